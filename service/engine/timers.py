"""Timer events that take "now" from the command's clock instead of the wall clock.

SpiffWorkflow's timer definitions call `datetime.now()` themselves, which would make timers
untestable and let two workers disagree about time. These subclasses ask the script engine
(built per command with the runtime's injectable clock). Due moments come from the diagram's
expression, which must use the calendar helpers (checked at deploy time).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
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
            event_value = moment_iso(my_task.workflow.script_engine.evaluate(my_task, self.expression))
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockedCycle(CycleTimerEventDefinition):  # type: ignore[misc]
    """`R<n>/<start>/<period>` cycles whose expression comes from a calendar helper."""

    def cycle_complete(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(expression)
            event_value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= _now(my_task):
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


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
