"""A task's JSON Schema form as page fields, and a posted page form back as typed data.

The schema stays the single source of truth: the server validates the typed data against it
(runtime.execute → 422 with per-field messages), and the page shows those messages inline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

BOOLEAN_CHOICES = [("true", "是"), ("false", "否")]


@dataclass
class Field:
    name: str
    title: str
    widget: str  # text | textarea | number | select | radio | checkboxes
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    error: str | None = None
    hint: str | None = None
    # `x-show-if: {"field": [values]}`: shown only while that field has one of these values (the page
    # script hides it otherwise; without the script every field shows). Values are compared as the
    # page posts them ("true"/"false" for booleans).
    show_if: tuple[str, list[str]] | None = None

    def checked(self, choice: str) -> bool:
        if isinstance(self.value, list):
            return choice in self.value
        if isinstance(self.value, bool):
            return choice == ("true" if self.value else "false")
        return self.value is not None and str(self.value) == choice


def _choices(prop: Mapping[str, Any]) -> list[tuple[str, str]]:
    labels = prop.get("x-enum-labels") or {}
    return [(str(value), str(labels.get(value, value))) for value in prop.get("enum") or []]


def _widget(prop: Mapping[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    kind = prop.get("type")
    if kind == "boolean":
        return "radio", BOOLEAN_CHOICES
    if kind == "array":
        return "checkboxes", _choices(prop.get("items") or {})
    if kind in ("integer", "number"):
        return "number", []
    if prop.get("enum"):
        return ("radio" if prop.get("x-widget") == "radio" else "select"), _choices(prop)
    return ("textarea" if prop.get("x-widget") == "textarea" else "text"), []


def _hint(prop: Mapping[str, Any]) -> str | None:
    parts = []
    if "maxLength" in prop:
        parts.append(f"不超过 {prop['maxLength']} 字")
    if "minimum" in prop and "maximum" in prop:
        parts.append(f"{prop['minimum']}–{prop['maximum']}")
    return "，".join(parts) or None


def build_fields(
    schema: Mapping[str, Any],
    values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    order: Iterable[str] | None = None,
) -> list[Field]:
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    names = [n for n in (order or []) if n in properties]
    names += [n for n in properties if n not in names]
    by_field = _errors_by_field(errors or {})
    fields = []
    for name in names:
        prop = properties[name]
        widget, choices = _widget(prop)
        value = values.get(name, prop.get("default"))
        fields.append(
            Field(
                name,
                str(prop.get("title") or name),
                widget,
                name in required,
                choices,
                value,
                by_field.get(name),
                _hint(prop),
                _show_if(prop),
            )
        )
    return fields


def _show_if(prop: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    condition = prop.get("x-show-if")
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return None
    ((controller, values),) = condition.items()
    listed = values if isinstance(values, list) else [values]
    return str(controller), [_posted(value) for value in listed]


def _posted(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _errors_by_field(errors: Mapping[str, str]) -> dict[str, str]:
    """'co_departments.0' → 'co_departments'; the first message per field wins."""
    result: dict[str, str] = {}
    for path, message in errors.items():
        result.setdefault(path.split(".", 1)[0], str(message))
    return result


def parse_submission(
    schema: Mapping[str, Any], form: MultiDict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed data from the posted fields (blank fields left out) and any type errors found on the way."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type")
        if kind == "array":
            data[name] = [v for v in form.getlist(name) if v]
            continue
        raw = (form.get(name) or "").strip()
        if raw == "":
            continue
        if kind == "boolean":
            data[name] = raw == "true"
        elif kind in ("integer", "number"):
            try:
                data[name] = int(raw) if kind == "integer" else float(raw)
            except ValueError:
                errors[name] = f"{prop.get('title', name)}应为{'整数' if kind == 'integer' else '数字'}"
        else:
            data[name] = raw
    return data, errors


def entered_values(
    schema: Mapping[str, Any], data: Mapping[str, Any], order: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """What was entered on a form as (field title, readable value), in the form's field order
    (`ui.order`, then the schema's): choices read by their `x-enum-labels`, yes/no as 是/否. Keys the
    form does not know come last, as they are."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    names = [n for n in (order or []) if n in properties and n in data]
    names += [n for n in properties if n in data and n not in names]
    names += [n for n in data if n not in properties]
    return [
        (
            str((properties.get(name) or {}).get("title") or name),
            readable(properties.get(name) or {}, data[name]),
        )
        for name in names
    ]


def readable(prop: Mapping[str, Any], value: Any) -> str:
    """One entered value as a person reads it."""
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, list):
        return "、".join(readable(prop.get("items") or {}, item) for item in value)
    labels: Mapping[str, Any] = prop.get("x-enum-labels") or {}
    if isinstance(value, bool):
        key = "true" if value else "false"
        return str(labels.get(key) or dict(BOOLEAN_CHOICES)[key])
    if isinstance(value, dict):
        return "；".join(f"{k}：{readable({}, v)}" for k, v in value.items())
    return str(labels.get(str(value), value))
