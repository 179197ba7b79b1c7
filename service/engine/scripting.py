"""The script engine handed to SpiffWorkflow: the sandbox plus the helpers diagrams may call."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from service.clock import LOCAL_TZ, Clock
from service.engine import sandbox
from service.engine.calendar import END_OF_DAY, BusinessCalendar, Deadline, as_moment

HELPER_NAMES = frozenset(
    {
        "now",
        "today",
        "deadline",
        "earliest",
        "reminder_before",
        "after_days",
        "end_of_day",
        "iso",
        "monthly",
        "cycle",
    }
)


def build_helpers(clock: Clock, calendar: BusinessCalendar) -> sandbox.Helpers:
    def deadline(rule: str, start: Any, count: int | None = None) -> Deadline:
        return calendar.deadline(rule, start, count)

    def earliest(*deadlines: Deadline) -> Deadline:
        """The deadline that falls first, with its own rule: a step's service clock capped by the
        statutory one it must also meet (e.g. sign-off within 3 working days, but never past D5)."""
        return min(deadlines, key=lambda due: due.due_at)

    def reminder_before(due: Any, workdays: int = 3) -> str:
        """The moment `workdays` working days before `due` (09:00 local), for reminder timers."""
        day = as_moment(due).astimezone(LOCAL_TZ).date()
        counted = 0
        while counted < workdays:
            day -= timedelta(days=1)
            if calendar.is_workday(day):
                counted += 1
        return datetime(day.year, day.month, day.day, 9, tzinfo=LOCAL_TZ).isoformat()

    def after_days(start: Any, days: int) -> str:
        return (as_moment(start) + timedelta(days=days)).isoformat()

    def end_of_day(day: Any) -> str:
        """The end (23:59:59 local) of the day `day` falls on, as every deadline ends: a chosen
        solution date (解决时限) is met by work done on that day."""
        local = as_moment(day).astimezone(LOCAL_TZ).date()
        return datetime.combine(local, END_OF_DAY, LOCAL_TZ).isoformat()

    def cycle(start: Any, period_days: int, times: int = 0) -> str:
        """An ISO recurring interval for a timeCycle: every `period_days` days from `start`.

        `times` = 0 repeats without end (until the waiting activity ends)."""
        return f"R{times or ''}/{as_moment(start).isoformat()}/P{int(period_days)}D"

    def monthly(start: Any, times: int = 0) -> str:
        """A timeCycle firing once a month from `start` (for progress reports, monthly screening)."""
        return f"R{times or ''}/{as_moment(start).isoformat()}/P1M"

    functions: Mapping[str, Any] = {
        "cycle": cycle,
        "monthly": monthly,
        "now": clock.now,
        "today": lambda: clock.now().astimezone(LOCAL_TZ).date(),
        "deadline": deadline,
        "earliest": earliest,
        "reminder_before": reminder_before,
        "after_days": after_days,
        "end_of_day": end_of_day,
        "iso": lambda value: as_moment(value).isoformat(),
    }
    assert set(functions) == HELPER_NAMES
    return sandbox.Helpers(functions=functions)


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    def __init__(self, helpers: sandbox.Helpers) -> None:
        super().__init__()
        self.helpers = helpers

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        data = {**context, **(external_context or {})}
        return sandbox.evaluate(expression, data, self.helpers)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        sandbox.execute(script, context, self.helpers)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise sandbox.SandboxLimitExceeded("不支持服务任务")


class ScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """One per command: it carries the command's clock so timers and now() agree."""

    def __init__(self, clock: Clock, calendar: BusinessCalendar) -> None:
        super().__init__(environment=SandboxEnvironment(build_helpers(clock, calendar)))
        self.clock = clock
        self.calendar = calendar

    def now(self) -> datetime:
        return self.clock.now()
