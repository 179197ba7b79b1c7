"""Small reads the pages need beside the domain services (read-only; never a write)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.models import AuditEvent
from service.engine.models import HumanTask, ProcessInstance
from service.engine.runtime import Runtime
from service.errors import NotFound
from service.petitions.models import Category, Petition


def petitions_by_id(session: Session, ids: Iterable[int]) -> dict[int, Petition]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Petition).where(Petition.id.in_(wanted)))}


def categories(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Category.code, Category.name, Category.parent_code)
        .where(Category.active.is_(True))
        .order_by(Category.sort_order, Category.code)
    ).all()
    names = {code: name for code, name, _ in rows}
    return [(code, f"{names[parent]} / {name}" if parent in names else name) for code, name, parent in rows]


def form_order(session: Session, runtime: Runtime, instance_id: str, form_key: str) -> list[str]:
    """The field order the form file asks for (`ui.order`), from the version the instance runs on."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        return []
    form = runtime.versions.get(session, instance.version_id).forms.get(form_key) or {}
    return list((form.get("ui") or {}).get("order") or [])


def completed_forms(
    session: Session, runtime: Runtime, events: Iterable[AuditEvent]
) -> dict[str, tuple[Mapping[str, Any], list[str]]]:
    """The form of each task completed in `events`, by task id: its schema (choices resolved) and
    field order, from the version its instance runs on; tasks whose row or instance is gone are
    left out."""
    ids = {e.task_id for e in events if e.action == "task.completed" and e.task_id}
    if not ids:
        return {}
    forms: dict[tuple[str, str], tuple[Mapping[str, Any], list[str]] | None] = {}
    found: dict[str, tuple[Mapping[str, Any], list[str]]] = {}
    for row in session.scalars(select(HumanTask).where(HumanTask.id.in_(ids))):
        key = (row.instance_id, row.form_key)
        if key not in forms:
            try:
                schema = runtime.forms.of_task(session, row)[0]
            except NotFound:
                forms[key] = None
            else:
                forms[key] = (schema, form_order(session, runtime, row.instance_id, row.form_key))
        form = forms[key]
        if form is not None:
            found[row.id] = form
    return found
