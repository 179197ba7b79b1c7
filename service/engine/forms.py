"""User-task forms: JSON Schema files in `forms/`, validated on the server before the engine sees data.

A form file is `{"key", "title", "schema", "ui", "context"}`. A property may name a dynamic list of
choices with `"x-options": "<source>"` (departments, categories, …); the domain registers the source
and the server fills `enum` (and `x-enum-labels`) when it serves or validates the form.

`context` lists what the person at the task decides on, set by earlier steps and shown read-only
above the form: `[{"key": "extension_days", "title": "申请延期天数"}, …]`, with `"x-options"` or
`"x-enum-labels"` to show a code by its label, and `"x-show-if": {"variable": [values]}` to show an
item only while that variable has one of those values.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

OptionSource = Callable[[], list[tuple[str, str]]]

_TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "array": "列表",
    "object": "对象",
    "null": "空",
}


class FormDefinitionError(Exception):
    pass


def load_forms(directory: Path) -> dict[str, dict[str, Any]]:
    """Every form in `directory`, checked to be a valid JSON Schema, keyed by file name."""
    forms: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        form = json.loads(path.read_text(encoding="utf-8"))
        if form.get("key") != path.stem:
            raise FormDefinitionError(f"{path.name}: key must equal the file name ({path.stem})")
        check_form(form)
        forms[path.stem] = form
    return forms


def check_form(form: Mapping[str, Any]) -> None:
    schema = form.get("schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise FormDefinitionError(f"form {form.get('key')}: schema must be a JSON Schema of type object")
    Draft202012Validator.check_schema(schema)
    context = form.get("context", [])
    if not isinstance(context, list) or not all(
        isinstance(item, dict) and isinstance(item.get("key"), str) and isinstance(item.get("title"), str)
        for item in context
    ):
        raise FormDefinitionError(f"form {form.get('key')}: context must be a list of {{key, title}}")


def context_items(
    form: Mapping[str, Any], data: Mapping[str, Any], sources: Mapping[str, OptionSource]
) -> list[tuple[str, Any]]:
    """The form's `context` as (title, value) pairs from the task's data, codes shown by their labels;
    what the data does not hold is left out."""
    shown = []
    for item in form.get("context", []):
        value = data.get(item["key"])
        if value is None or value in ("", []) or not _shown(item.get("x-show-if"), data):
            continue
        source = item.get("x-options")
        labels = dict(sources[source]()) if source in sources else item.get("x-enum-labels", {})
        if isinstance(value, list):
            value = [labels.get(v, v) for v in value]
        elif isinstance(value, str):
            value = labels.get(value, value)
        shown.append((item["title"], value))
    return shown


def _shown(condition: Mapping[str, list[Any]] | None, data: Mapping[str, Any]) -> bool:
    return condition is None or all(data.get(name) in values for name, values in condition.items())


def resolve_options(schema: Mapping[str, Any], sources: Mapping[str, OptionSource]) -> dict[str, Any]:
    """A copy of `schema` whose `x-options` properties carry the current choices as `enum`."""
    resolved = copy.deepcopy(dict(schema))
    for node in _objects(resolved):
        source_name = node.get("x-options")
        if isinstance(source_name, str) and source_name in sources:
            choices = sources[source_name]()
            node["enum"] = [value for value, _ in choices]
            node["x-enum-labels"] = dict(choices)
    return resolved


def option_names(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """The option sources `schema` names (`x-options`), each once, in the order they appear."""
    names = (node.get("x-options") for node in _objects(schema))
    return tuple(dict.fromkeys(name for name in names if isinstance(name, str)))


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a schema, outermost first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item)


def with_defaults(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` plus the schema's top-level defaults for fields the submission left out."""
    filled = dict(data)
    for name, prop in schema.get("properties", {}).items():
        if name not in filled and isinstance(prop, dict) and "default" in prop:
            filled[name] = copy.deepcopy(prop["default"])
    return filled


def validator_for(schema: Mapping[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validate_submission(
    schema: Mapping[str, Any], data: Any, validator: Draft202012Validator | None = None
) -> dict[str, str]:
    """Field path → a Chinese message for every problem; empty when `data` satisfies `schema`
    (`validator`: one already built for `schema`)."""
    if not isinstance(data, dict):
        return {"data": "表单数据必须是一个对象"}
    validator = validator or validator_for(schema)
    errors: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        if error.validator == "additionalProperties":  # each field the form does not have, by name
            for extra in _extra_fields(error):
                errors.setdefault(_join([*error.absolute_path, extra]), "此表单没有这一项，不能提交")
            continue
        path, message = _describe(error, schema)
        errors.setdefault(path, message)
    return errors


def _field_title(schema: Mapping[str, Any], path: list[Any]) -> str:
    node: Any = schema
    for part in path:
        node = node.get("properties", {}).get(part, {}) if isinstance(part, str) else node.get("items", {})
    title = node.get("title") if isinstance(node, dict) else None
    return str(title or (path[-1] if path else "表单"))


def _describe(error: ValidationError, schema: Mapping[str, Any]) -> tuple[str, str]:  # noqa: PLR0911
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        full = [*path, missing]
        return _join(full), f"{_field_title(schema, full)}为必填项"
    title = _field_title(schema, path)
    where = _join(path) or "data"
    keyword, expected = error.validator, error.validator_value
    if keyword == "enum":
        return where, f"{title}的取值无效"
    if keyword == "const":
        return where, f"{title}的取值无效"
    if keyword == "type":
        names = expected if isinstance(expected, list) else [expected]
        return where, f"{title}应为{'或'.join(_TYPE_NAMES.get(str(n), str(n)) for n in names)}"
    if keyword == "maxLength":
        return where, f"{title}不能超过 {expected} 个字"
    if keyword == "minLength":
        return where, f"{title}不能为空" if expected == 1 else f"{title}至少 {expected} 个字"
    if keyword in ("maximum", "exclusiveMaximum"):
        return where, f"{title}不能大于 {expected}"
    if keyword in ("minimum", "exclusiveMinimum"):
        return where, f"{title}不能小于 {expected}"
    if keyword in ("maxItems", "minItems"):
        return where, f"{title}的项数应{'不多于' if keyword == 'maxItems' else '不少于'} {expected}"
    if keyword == "uniqueItems":
        return where, f"{title}不能有重复项"
    return where, f"{title}的格式不正确"


def _extra_fields(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = set(schema.get("properties", {}))
    return sorted(key for key in instance if key not in allowed)


def _join(path: list[Any]) -> str:
    return ".".join(str(part) for part in path)
