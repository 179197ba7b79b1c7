"""What changed between two versions of a model: elements added, removed and changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from service.engine.catalog import get_version


def diff_elements(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    added = [{"id": key, **after[key]} for key in sorted(after.keys() - before.keys())]
    removed = [{"id": key, **before[key]} for key in sorted(before.keys() - after.keys())]
    changed = []
    for key in sorted(before.keys() & after.keys()):
        if before[key] != after[key]:
            fields = sorted(
                name
                for name in before[key].keys() | after[key].keys()
                if before[key].get(name) != after[key].get(name)
            )
            changed.append(
                {"id": key, "fields": fields, "before": dict(before[key]), "after": dict(after[key])}
            )
    return {"added": added, "removed": removed, "changed": changed}


def diff_versions(session: Session, key: str, from_version: int, to_version: int) -> dict[str, Any]:
    old, new = get_version(session, key, from_version), get_version(session, key, to_version)
    result = diff_elements(old.elements or {}, new.elements or {})
    forms_changed = sorted(
        name
        for name in (old.forms or {}).keys() | (new.forms or {}).keys()
        if (old.forms or {}).get(name) != (new.forms or {}).get(name)
    )
    return {"key": key, "from": from_version, "to": to_version, **result, "forms_changed": forms_changed}
