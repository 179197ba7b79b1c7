"""Commands on a whole instance that administrators and maintenance run: cancel it, migrate it to
another version of its model (after a dry run), recompute its timers with new calendar data.

A mixin of the Runtime, kept apart so the everyday commands stay easy to read; every change still
goes through the runtime's shared steps (`_advance`, `_finish`) in one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.clock import Clock
from service.engine import migration, projections, timers
from service.engine.calendar import BusinessCalendar
from service.engine.commands import CancelInstance, MigrateInstance, RecomputeTimers
from service.engine.locks import lock_instance
from service.engine.models import (
    INSTANCE_CANCELLED,
    INSTANCE_RUNNING,
    TASK_CANCELLED,
    TASK_OPEN,
    HumanTask,
    ProcessInstance,
)
from service.engine.outcome import Outcome, cancel_timers
from service.engine.scripting import ScriptEngine
from service.engine.versions import VersionSnapshot, VersionStore
from service.engine.workflows import WorkflowLoader
from service.errors import Conflict, NotFound


class _Core(Protocol):
    """What these commands use of the Runtime."""

    versions: VersionStore
    workflows: WorkflowLoader
    clock: Clock
    calendar: Callable[[], BusinessCalendar]

    def _advance(
        self,
        session: Session,
        outcome: Outcome,
        workflow: BpmnWorkflow,
        engine: ScriptEngine,
        *,
        before: set[UUID],
        open_task_ids: set[str] | None = None,
    ) -> None: ...

    def _finish(self, session: Session, outcome: Outcome) -> None: ...


class AdminCommands:
    def _cancel(self: _Core, session: Session, command: CancelInstance) -> Outcome:
        instance = lock_instance(session, command.instance_id)
        if instance.status != INSTANCE_RUNNING:
            raise Conflict("流程实例已结束")
        version = self.versions.get(session, instance.version_id)
        now = self.clock.now()
        outcome = Outcome(command, instance, version, now)
        for row in session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == TASK_OPEN)
        ):
            row.status, row.completed_at = TASK_CANCELLED, now
            outcome.closed_tasks.append(row)
        instance.status, instance.ended_at, instance.active_elements = INSTANCE_CANCELLED, now, []
        cancel_timers(session, instance.id, now)
        instance.revision += 1
        outcome.record("instance.cancelled", reason=command.reason)
        self._finish(session, outcome)
        return outcome

    def _migrate(self: _Core, session: Session, command: MigrateInstance) -> Outcome:
        instance = lock_instance(session, command.instance_id)
        current = self.versions.get(session, instance.version_id)
        target, the_plan = _plan(self, session, instance, command.to_version)
        if not the_plan.can_migrate:
            raise Conflict(
                f"实例不能迁移到版本 {command.to_version}",
                errors={f"problems.{i}": problem for i, problem in enumerate(the_plan.problems)},
            )
        engine = ScriptEngine(self.clock, self.calendar())
        workflow = self.workflows.load(session, instance, target, engine)
        migration.repredict(workflow)
        instance.version_id = target.id
        outcome = Outcome(command, instance, target, self.clock.now())
        outcome.record(
            "instance.migrated",
            from_version=current.version,
            to_version=target.version,
            waiting=the_plan.waiting,
        )
        for row in session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == TASK_OPEN)
        ):
            element = target.elements.get(row.element_id, {})
            row.title, row.form_key = element.get("name") or row.title, element.get("form_key", row.form_key)
        self._advance(session, outcome, workflow, engine, before=projections.completed_ids(workflow))
        return outcome

    def _recompute_timers(self: _Core, session: Session, command: RecomputeTimers) -> Outcome:
        instance = lock_instance(session, command.instance_id)
        version = self.versions.get(session, instance.version_id)
        engine = ScriptEngine(self.clock, self.calendar())
        workflow = self.workflows.load(session, instance, version, engine)
        outcome = Outcome(command, instance, version, self.clock.now())
        for task in projections.all_tasks(workflow):
            if not task.has_state(TaskState.WAITING):
                continue
            moved = timers.recompute_due(task)
            if moved is not None:
                outcome.record(
                    "timer.recomputed",
                    element_id=projections.element_id(task),
                    before=moved[0],
                    after=moved[1],
                )
        self._advance(session, outcome, workflow, engine, before=projections.completed_ids(workflow))
        return outcome

    def plan_migration(
        self: _Core, session: Session, instance_id: str, to_version: int
    ) -> migration.MigrationPlan:
        """What migrating would do (a dry run): the waiting tasks, or every reason it cannot."""
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound("流程实例不存在")
        return _plan(self, session, instance, to_version)[1]


def _plan(
    core: _Core, session: Session, instance: ProcessInstance, to_version: int
) -> tuple[VersionSnapshot, migration.MigrationPlan]:
    current = core.versions.get(session, instance.version_id)
    target = core.versions.latest(session, instance.model_key, to_version)
    loaded = core.workflows.spec(session, target)
    names = set(loaded.spec.task_specs)
    for sub in loaded.subprocess_specs.values():
        names |= set(sub.task_specs)
    return target, migration.plan(instance, current, target, names)
