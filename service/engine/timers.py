"""Timer events that take "now" from the command's clock instead of the wall clock.

SpiffWorkflow's timer definitions call `datetime.now()` themselves, which would make timers
untestable and let two workers disagree about time. These subclasses ask the script engine
(built per command with the runtime's injectable clock). Due moments come from the diagram's
expression, which must use the calendar helpers (checked at deploy time).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)

from service.engine.calendar import as_moment


def _now(my_task: Any) -> datetime:
    now: datetime = my_task.workflow.script_engine.now()
    return now


def moment_iso(value: Any) -> str:
    """A timer expression's result (Deadline, datetime, date or ISO string) as an aware ISO string."""
    return as_moment(value).isoformat()


class ClockedTimeDate(TimeDateEventDefinition):  # type: ignore[misc]
    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = self.evaluate_due(my_task)
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))

    def evaluate_due(self, my_task: Any) -> str:
        """Evaluate the timer expression; remember the rule and whether the calendar was provisional."""
        result = my_task.workflow.script_engine.evaluate(my_task, self.expression)
        if hasattr(result, "provisional") and hasattr(result, "rule"):
            my_task._set_internal_data(
                deadline={"rule": result.rule, "provisional": bool(result.provisional)}
            )
        return moment_iso(result)


class ClockedCycle(CycleTimerEventDefinition):  # type: ignore[misc]
    """`R<n>/<start>/P<k>D` or `R<n>/<start>/P1M` cycles (from the cycle()/monthly() helpers).

    After downtime a cycle fires once, late, and moves on to its next future occurrence instead of
    replaying every missed one. Month periods follow the calendar (same day of month, clamped)."""

    def cycle_complete(self, my_task: Any) -> bool:
        state = my_task._get_internal_data("event_value")
        if state is None:
            state = parse_cycle(my_task.workflow.script_engine.evaluate(my_task, self.expression))
        ready = False
        now = _now(my_task)
        if state["cycles"] != 0:
            upcoming = datetime.fromisoformat(state["next"])
            if upcoming <= now:
                while upcoming <= now:
                    upcoming = advance(upcoming, state)
                state["next"] = upcoming.isoformat()
                state["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        my_task._set_internal_data(event_value=state)
        return ready


def parse_cycle(expression: str) -> dict[str, Any]:
    repeat, start, period = str(expression).split("/")
    cycles = int(repeat[1:]) if len(repeat) > 1 else -1
    months = int(period[1:-1]) if period.endswith("M") else 0
    days = int(period[1:-1]) if period.endswith("D") else 0
    if not (months or days):
        raise ValueError(f"unsupported cycle period {period!r} (use P<n>D or P<n>M)")
    return {"cycles": cycles, "next": as_moment(start).isoformat(), "months": months, "days": days}


def advance(moment: datetime, state: dict[str, Any]) -> datetime:
    if state.get("months"):
        month_index = moment.month - 1 + int(state["months"])
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))
    return moment + timedelta(days=int(state["days"]))


@dataclass(frozen=True)
class TimerDue:
    kind: str  # date | cycle
    due_at: datetime
    rule: str | None = None
    provisional: bool = False


def due_of(task: Any) -> TimerDue | None:
    """When a waiting timer task is due, once the engine has evaluated its expression."""
    definition = getattr(task.task_spec, "event_definition", None)
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(definition, ClockedCycle):
        return TimerDue("cycle", datetime.fromisoformat(value["next"]))
    if isinstance(definition, ClockedTimeDate):
        deadline = task._get_internal_data("deadline") or {}
        return TimerDue(
            "date", datetime.fromisoformat(value), deadline.get("rule"), bool(deadline.get("provisional"))
        )
    return None


def recompute_due(task: Any) -> tuple[datetime, datetime] | None:
    """Re-evaluate a provisional timer with today's calendar; the due moment never moves earlier.

    Returns (old, new) when it was provisional, else None."""
    definition = getattr(task.task_spec, "event_definition", None)
    current = due_of(task)
    if not isinstance(definition, ClockedTimeDate) or current is None or not current.provisional:
        return None
    fresh = datetime.fromisoformat(definition.evaluate_due(task))
    chosen = max(fresh, current.due_at)
    task._set_internal_data(event_value=chosen.isoformat())
    return current.due_at, chosen


class _ClockedTimerMixin:
    node: Any
    filename: str

    def parse_timer_event(self, event: Any) -> Any:
        description = self.get_event_description(event)  # type: ignore[attr-defined]
        name = self.node.get("name", self.node.get("id"))
        time_date = first(self.xpath(".//bpmn:timeDate"))  # type: ignore[attr-defined]
        if time_date is not None:
            return ClockedTimeDate(name, time_date.text, description=description)
        time_cycle = first(self.xpath(".//bpmn:timeCycle"))  # type: ignore[attr-defined]
        if time_cycle is not None:
            return ClockedCycle(name, time_cycle.text, description=description)
        raise ValidationException(
            "只支持 timeDate 与 timeCycle 定时器",
            node=self.node,
            file_name=self.filename,
        )


class _StartParser(_ClockedTimerMixin, CamundaStartEventParser):  # type: ignore[misc]
    pass


class _CatchParser(_ClockedTimerMixin, CamundaIntermediateCatchEventParser):  # type: ignore[misc]
    pass


class _BoundaryParser(_ClockedTimerMixin, CamundaBoundaryEventParser):  # type: ignore[misc]
    pass


class ClockedTimerParser:
    """Mixed into the parser ahead of CamundaParser to swap in the clocked timer definitions."""

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, Any]] = {}


def _install() -> None:
    from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

    overrides = dict(CamundaParser.OVERRIDE_PARSER_CLASSES)
    overrides[full_tag("startEvent")] = (_StartParser, StartEvent)
    overrides[full_tag("intermediateCatchEvent")] = (_CatchParser, IntermediateCatchEvent)
    overrides[full_tag("boundaryEvent")] = (_BoundaryParser, BoundaryEvent)
    ClockedTimerParser.OVERRIDE_PARSER_CLASSES = overrides


_install()
