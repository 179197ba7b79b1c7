"""The forms of user tasks: the schema pinned with the task's version, its choices resolved from the
domains' option sources, and every submission validated before the engine sees it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from service.engine.forms import (
    OptionSource,
    context_items,
    option_names,
    resolve_options,
    validate_submission,
    validator_for,
    with_defaults,
)
from service.engine.models import HumanTask, ProcessInstance
from service.engine.outcome import TaskValidator
from service.engine.versions import VersionSnapshot, VersionStore
from service.errors import Invalid, NotFound

ContextSource = Callable[[Session, HumanTask], list[tuple[str, Any]]]


@dataclass(frozen=True)
class _Checker:
    """A form's schema with its choices resolved, and its validator, while those choices last."""

    choices: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    schema: dict[str, Any]
    validator: Draft202012Validator


class TaskForms:
    def __init__(self, versions: VersionStore) -> None:
        self.versions = versions
        self.validators: dict[str, list[TaskValidator]] = {}
        self.option_sources: dict[str, OptionSource] = {}
        # What a domain adds to a form's context from outside the workflow's data, by form key.
        self.context_sources: dict[str, list[ContextSource]] = {}
        # Every completion validates a form: resolving its choices and building its validator cost
        # more than validating, so both are kept per version and form until the choices change.
        self._checkers: dict[tuple[int, str], _Checker] = {}
        self._option_names: dict[tuple[int, str], tuple[str, ...]] = {}

    def schema(self, version: VersionSnapshot, form_key: str) -> dict[str, Any]:
        """The form's schema with its current choices (a copy of its own for the caller)."""
        return resolve_options(self._form(version, form_key)["schema"], self.option_sources)

    def _form(self, version: VersionSnapshot, form_key: str) -> Mapping[str, Any]:
        form = version.forms.get(form_key)
        if form is None:
            raise NotFound(f"表单 {form_key} 不存在")
        return form

    def _checker(self, version: VersionSnapshot, form_key: str) -> _Checker:
        schema, key = self._form(version, form_key)["schema"], (version.id, form_key)
        names = self._option_names.get(key)
        if names is None:
            names = self._option_names[key] = option_names(schema)
        checker = self._checkers.get(key)
        choices = tuple(
            (name, tuple(self.option_sources[name]())) for name in names if name in self.option_sources
        )
        if checker is None or checker.choices != choices:
            resolved = resolve_options(schema, self.option_sources)
            checker = _Checker(choices, resolved, validator_for(resolved))
            self._checkers[key] = checker
        return checker

    def validate(
        self, session: Session, version: VersionSnapshot, row: HumanTask, submitted: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The submission with the form's defaults filled in, or Invalid with every field's problem."""
        checker = self._checker(version, row.form_key)
        if not isinstance(submitted, Mapping):
            raise Invalid("表单数据未通过校验", errors={"data": "表单数据必须是一个对象"})
        data = with_defaults(checker.schema, submitted)
        errors = validate_submission(checker.schema, data, checker.validator)
        if not errors:
            for validator in self.validators.get(row.form_key, []):
                errors.update(validator(session, row, data))
        if errors:
            raise Invalid("表单数据未通过校验", errors=errors)
        return data

    def of_task(self, session: Session, row: HumanTask) -> tuple[dict[str, Any], str]:
        """The task's form schema (choices resolved) and title, from the version it was deployed with."""
        instance = session.get(ProcessInstance, row.instance_id)
        if instance is None:
            raise NotFound("流程实例不存在")
        version = self.versions.get(session, instance.version_id)
        title = str(version.forms.get(row.form_key, {}).get("title", row.form_key))
        return self.schema(version, row.form_key), title

    def context(
        self, session: Session, version: VersionSnapshot, row: HumanTask, data: Mapping[str, Any]
    ) -> list[tuple[str, Any]]:
        """What the task's person decides on: from earlier steps (the form's `context`), then from
        the domains' context sources for the form."""
        items = context_items(version.forms.get(row.form_key, {}), data, self.option_sources)
        for source in self.context_sources.get(row.form_key, []):
            items.extend(source(session, row))
        return items

    @staticmethod
    def start_values(version: VersionSnapshot, row: HumanTask, data: Mapping[str, Any]) -> dict[str, Any]:
        """What the form starts with. A person decides afresh each time: a field starts from the
        variable of its name only when it says `x-keep` (a draft being revised, findings carried
        into 继续办理, the registrar's classification at screening), never from an earlier round's
        decision or remark. A field with `x-default-from` starts from the variable it names, when set
        and not the value the field already held (the routing table's proposal, unless it names the
        department that has just returned the item)."""
        fields = version.forms.get(row.form_key, {}).get("schema", {}).get("properties", {})
        start = {
            key: data[key]
            for key, prop in fields.items()
            if isinstance(prop, dict) and prop.get("x-keep") and key in data and _choosable(prop, data[key])
        }
        for key, prop in fields.items():
            source = prop.get("x-default-from") if isinstance(prop, dict) else None
            if isinstance(source, str) and data.get(source) not in (None, data.get(key)):
                start[key] = data[source]
        return start


def _choosable(prop: Mapping[str, Any], value: Any) -> bool:
    # A variable of the same name that is not one of the field's choices preselects nothing.
    choices = prop.get("enum") if isinstance(prop, dict) else None
    return choices is None or value in choices
