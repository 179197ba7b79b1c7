"""What one command changed (`Outcome`), and the extension points domains plug into the runtime."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from SpiffWorkflow.task import Task
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.chain import PendingEvent
from service.engine.commands import Command
from service.engine.models import (
    INSTANCE_RUNNING,
    TASK_CANCELLED,
    TIMER_CANCELLED,
    TIMER_INCIDENT,
    TIMER_PENDING,
    HumanTask,
    ProcessInstance,
    Timer,
)
from service.engine.versions import VersionSnapshot


@dataclass
class Outcome:
    """What one command changed. Listeners read it and may add audit events."""

    command: Command
    instance: ProcessInstance
    version: VersionSnapshot
    now: datetime
    created_tasks: list[HumanTask] = field(default_factory=list)
    closed_tasks: list[HumanTask] = field(default_factory=list)
    reached: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)  # (element id, properties)
    fired_timers: list[Timer] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    status_before: str | None = None
    events: list[PendingEvent] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.instance.status != INSTANCE_RUNNING

    def record(
        self,
        action: str,
        *,
        actor: str | None = None,
        task_id: str | None = None,
        element_id: str | None = None,
        **data: Any,
    ) -> None:
        self.events.append(
            PendingEvent(
                actor=actor or self.command.actor.username,
                action=action,
                instance_id=self.instance.id,
                business_key=self.instance.business_key,
                task_id=task_id,
                element_id=element_id,
                data=data,
            )
        )

    def record_system_events(self) -> None:
        """The engine's own steps in this command: timers fired, tasks created and cancelled."""
        for timer in self.fired_timers:
            self.record(
                "timer.fired",
                actor="system",
                element_id=timer.element_id,
                timer_id=timer.id,
                due_at=timer.due_at,
                kind=timer.kind,
            )
        for row in self.created_tasks:
            self.record(
                "task.created",
                actor="system",
                task_id=row.id,
                element_id=row.element_id,
                title=row.title,
                candidate_group=row.candidate_group,
                due_at=row.due_at,
                deadline_rule=row.deadline_rule,
            )
        for row in self.closed_tasks:
            if row.status == TASK_CANCELLED:
                self.record(
                    "task.cancelled",
                    actor="system",
                    task_id=row.id,
                    element_id=row.element_id,
                    title=row.title,
                )


class InstanceListener(Protocol):
    def on_outcome(self, session: Session, outcome: Outcome) -> None: ...


TaskValidator = Callable[[Session, HumanTask, Mapping[str, Any]], Mapping[str, str]]


def cancel_timers(session: Session, instance_id: str, now: datetime) -> None:
    for timer in session.scalars(
        select(Timer).where(
            Timer.instance_id == instance_id, Timer.status.in_((TIMER_PENDING, TIMER_INCIDENT))
        )
    ):
        timer.status, timer.updated_at = TIMER_CANCELLED, now


class AsOf:
    """A clock stopped at the moment a timer sweep runs for."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at


def merged_variables(reached: list[Task], ready: list[Task]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for task in [*reached, *ready]:
        merged.update(task.data)
    return merged


def business_status_after(
    current: str | None, outcome: Outcome, elements: Mapping[str, Mapping[str, Any]]
) -> str | None:
    status = current
    for _, properties in outcome.reached:
        status = properties.get("status", status)
    for row in outcome.created_tasks:
        status = elements.get(row.element_id, {}).get("properties", {}).get("status", status)
    return status
