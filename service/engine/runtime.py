"""The engine runtime: the only writer of process-instance state.

`Runtime.execute(command)` runs one command as one unit of work:

1. lock the instance row (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE)
2. load its state with the spec from the cache (keyed by the version's content hash)
3. apply the command (start · complete · claim · recuse · reassign · fire timers; cancel, migrate and timer
   recomputation are in admin_commands.py)
4. run engine steps in the sandbox
5. write state, projections (human tasks, deadlines, element path, business status) and audit
   events (the instance's own stream, headed in its row); domain listeners add their projections
   and events here, in the same transaction
6. commit; after-commit hooks (notifications, jobs) run only when the commit succeeded
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import ColumnElement
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from service.audit import chain
from service.clock import Clock
from service.db import Base, Database
from service.engine import projections, recusal
from service.engine.admin_commands import AdminCommands
from service.engine.calendar import BusinessCalendar
from service.engine.commands import (
    Actor,
    AssignTask,
    CancelInstance,
    ClaimTask,
    Command,
    CompleteTask,
    FireTimers,
    MigrateInstance,
    RecomputeTimers,
    Recuse,
    StartInstance,
)
from service.engine.forms import OptionSource
from service.engine.locks import TaskLock, lock_instance
from service.engine.models import (
    INSTANCE_COMPLETED,
    INSTANCE_RUNNING,
    TASK_OPEN,
    HumanTask,
    ProcessInstance,
)
from service.engine.outcome import (
    AsOf,
    InstanceListener,
    Outcome,
    TaskValidator,
    business_status_after,
    cancel_timers,
    merged_variables,
)
from service.engine.sandbox import SandboxLimitExceeded, SandboxViolation
from service.engine.scripting import ScriptEngine
from service.engine.specs import SpecCache
from service.engine.state import prune
from service.engine.task_forms import ContextSource, TaskForms
from service.engine.versions import VersionStore
from service.engine.workflows import WorkflowLoader, ready_task
from service.errors import Conflict, Invalid, ProcedureError

__all__ = ["InstanceListener", "Outcome", "Runtime", "TaskValidator"]

# What a diagram's own mistake raises while the engine runs: a ProcedureError, not a server error.
_ENGINE_ERRORS = (SpiffWorkflowException, SandboxLimitExceeded, SandboxViolation, ValueError, TypeError)


class Runtime(AdminCommands):
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        calendar: Callable[[], BusinessCalendar],
        specs: SpecCache | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        self.versions = VersionStore()
        self.workflows = WorkflowLoader(self.versions, specs or SpecCache())
        self.specs = self.workflows.specs
        self.listeners: list[InstanceListener] = []
        self.forms = TaskForms(self.versions)
        self.lock_task = TaskLock()

    # -- extension points (domains register these at start-up) ---------------------------------
    def add_listener(self, listener: InstanceListener) -> None:
        self.listeners.append(listener)

    def add_validator(self, form_key: str, validator: TaskValidator) -> None:
        self.forms.validators.setdefault(form_key, []).append(validator)

    def add_option_source(self, name: str, source: OptionSource) -> None:
        self.forms.option_sources[name] = source

    def add_context_source(self, form_key: str, source: ContextSource) -> None:
        self.forms.context_sources.setdefault(form_key, []).append(source)

    def add_companion(self, entity: type[Base], on: ColumnElement[bool]) -> None:
        self.lock_task.add_companion(entity, on)

    # -- the one write path --------------------------------------------------------------------
    def execute(self, command: Command, *, session: Session | None = None) -> Outcome:
        if session is not None:
            return self._apply(session, command)
        try:
            with self.db.transaction() as own_session:
                return self._apply(own_session, command)
        except OperationalError as error:
            if "locked" in str(error).lower():
                raise Conflict("系统繁忙，请稍后重试") from error
            raise

    def _apply(self, session: Session, command: Command) -> Outcome:
        handlers: dict[type, Callable[[Session, Any], Outcome]] = {
            StartInstance: self._start,
            CompleteTask: self._complete,
            ClaimTask: self._claim,
            Recuse: self._recuse,
            AssignTask: self._assign,
            FireTimers: self._fire_timers,
            MigrateInstance: self._migrate,
            RecomputeTimers: self._recompute_timers,
            CancelInstance: self._cancel,
        }
        return handlers[type(command)](session, command)

    # -- commands ------------------------------------------------------------------------------
    def _start(self, session: Session, command: StartInstance) -> Outcome:
        version = self.versions.latest(session, command.model_key, command.version)
        now = self.clock.now()
        engine = ScriptEngine(self.clock, self.calendar())
        workflow = self.workflows.new(session, version, engine, command.data)
        instance = ProcessInstance(
            id=str(uuid.uuid4()),
            model_key=version.model_key,
            version_id=version.id,
            business_key=command.business_key,
            status=INSTANCE_RUNNING,
            state={},
            completed_elements=[],
            active_elements=[],
            revision=0,
            started_by=command.actor.username,
            started_at=now,
            updated_at=now,
        )
        session.add(instance)
        session.flush()
        outcome = Outcome(command, instance, version, now)
        outcome.record(
            "instance.started", model=version.model_key, version=version.version, data=command.data
        )
        self._advance(session, outcome, workflow, engine, before=set(), open_task_ids=set())
        return outcome

    def _complete(self, session: Session, command: CompleteTask) -> Outcome:
        locked = self.lock_task(session, command.task_id, command.actor.username)
        row, instance = locked.within_reach_of(command.actor, "无权办理此任务")
        if row.status != TASK_OPEN:
            raise Conflict("该任务已办理或已撤销")
        if row.assignee is not None and row.assignee != command.actor.username:
            raise Conflict(f"该任务已由 {row.assignee} 认领")
        version = self.versions.get(session, instance.version_id)
        data = self.forms.validate(session, version, row, command.data)
        now = self.clock.now()
        engine = ScriptEngine(self.clock, self.calendar())
        workflow = self.workflows.load(session, instance, version, engine)
        task = ready_task(workflow, row.id)
        before = projections.completed_ids(workflow)
        # The open task rows are the workflow's ready user tasks (each command keeps them equal).
        open_task_ids = {str(ready.id) for ready in projections.ready_user_tasks(workflow)}
        outcome = Outcome(command, instance, version, now)
        outcome.record(
            "task.completed",
            task_id=row.id,
            element_id=row.element_id,
            title=row.title,
            before={key: task.data.get(key) for key in data},
            after=data,
        )
        task.data.update(data)
        self._run_engine(task.run, row.element_id)
        self._advance(session, outcome, workflow, engine, before=before, open_task_ids=open_task_ids)
        return outcome

    def _claim(self, session: Session, command: ClaimTask) -> Outcome:
        actor = command.actor
        locked = self.lock_task(session, command.task_id, actor.username)
        row, instance = locked.within_reach_of(actor, "无权认领此任务")
        if row.status != TASK_OPEN:
            raise Conflict("该任务已办理或已撤销")
        if command.release:
            if row.assignee != actor.username:
                raise Conflict("只能退回自己认领的任务")
            if row.candidate_group is None:  # assigned to this person by name: no group to take it
                raise Conflict("该任务指定由您本人办理，没有可退回的组待办，不能退回")
            row.assignee = None
            action = "task.released"
        else:
            if row.assignee not in (None, actor.username):
                raise Conflict(f"该任务已由 {row.assignee} 认领")
            row.assignee = actor.username
            action = "task.claimed"
        version = self.versions.get(session, instance.version_id)
        outcome = Outcome(command, instance, version, self.clock.now())
        outcome.record(
            action, task_id=row.id, element_id=row.element_id, title=row.title, assignee=row.assignee
        )
        instance.revision += 1
        self._finish(session, outcome)
        return outcome

    def _recuse(self, session: Session, command: Recuse) -> Outcome:
        locked = self.lock_task(session, command.task_id, command.actor.username)
        row, instance = locked.within_reach_of(command.actor, "无权办理此任务")
        outcome = Outcome(
            command, instance, self.versions.get(session, instance.version_id), self.clock.now()
        )
        released = recusal.step_aside(session, instance, command.actor.username, command.reason, outcome.now)
        outcome.record(
            "task.recused",
            task_id=row.id,
            element_id=row.element_id,
            reason=command.reason,
            released=released,
        )
        instance.revision += 1
        self._finish(session, outcome)
        return outcome

    def _assign(self, session: Session, command: AssignTask) -> Outcome:
        """改派: the task is the named person's from now on; whoever held it no longer does. Checked
        under the lock: the task is open (409), the person is free of the matter and, when the task
        has a candidate group, one of it (422 on `assignee`). A coordinator who stepped aside: 403."""
        locked = self.lock_task(session, command.task_id, command.actor.username)
        row, instance = locked.unrecused()
        if row.status != TASK_OPEN:
            raise Conflict("该任务已办理或已撤销")
        refusal = _assignee_refusal(session, row, command.assignee)
        if refusal is not None:
            raise Invalid("不能改派给该人员", errors={"assignee": refusal})
        previous, row.assignee = row.assignee, command.assignee.username
        version = self.versions.get(session, instance.version_id)
        outcome = Outcome(command, instance, version, self.clock.now())
        moved = {"from": previous, "to": row.assignee}
        outcome.record(
            "task.reassigned",
            task_id=row.id,
            element_id=row.element_id,
            title=row.title,
            reason=command.reason,
            **moved,
        )
        instance.revision += 1
        self._finish(session, outcome)
        return outcome

    def _fire_timers(self, session: Session, command: FireTimers) -> Outcome:
        instance = lock_instance(session, command.instance_id)
        version = self.versions.get(session, instance.version_id)
        if instance.status != INSTANCE_RUNNING:
            outcome = Outcome(command, instance, version, self.clock.now())
            cancel_timers(session, instance.id, outcome.now)
            return outcome
        engine = ScriptEngine(AsOf(command.as_of), self.calendar())
        workflow = self.workflows.load(session, instance, version, engine)
        before = projections.completed_ids(workflow)
        outcome = Outcome(command, instance, version, self.clock.now())
        self._run_engine(workflow.refresh_timers, None)
        self._advance(session, outcome, workflow, engine, before=before)
        return outcome

    # -- shared steps --------------------------------------------------------------------------
    def _advance(
        self,
        session: Session,
        outcome: Outcome,
        workflow: BpmnWorkflow,
        engine: ScriptEngine,
        *,
        before: set[UUID],
        open_task_ids: set[str] | None = None,
    ) -> None:
        """Engine steps, then every projection, listener and audit event of this command."""
        instance, elements = outcome.instance, outcome.version.elements
        self._run_engine(workflow.do_engine_steps, None)
        reached = projections.newly_completed(workflow, before)
        completing = outcome.command if isinstance(outcome.command, CompleteTask) else None
        # The projection queries do not depend on each other's pending changes: flush them all once,
        # later, instead of once per query (the ORM's flush costs more than the SQL it sends).
        with session.no_autoflush:
            changes = projections.sync_human_tasks(
                session,
                instance=instance,
                workflow=workflow,
                elements=elements,
                engine=engine,
                now=outcome.now,
                completed_by={completing.task_id: completing.actor.username} if completing else {},
                open_ids=open_task_ids,
            )
            if outcome.version.has_timers:
                outcome.fired_timers = projections.sync_timers(
                    session, instance=instance, workflow=workflow, now=outcome.now, as_of=engine.now()
                )
        outcome.created_tasks, outcome.closed_tasks = changes.created, changes.closed
        outcome.reached = [
            (projections.element_id(t), elements.get(projections.element_id(t), {}).get("properties", {}))
            for t in reached
        ]
        outcome.variables = merged_variables(reached, projections.ready_user_tasks(workflow))
        outcome.status_before = instance.business_status
        instance.business_status = business_status_after(instance.business_status, outcome, elements)
        done = set(instance.completed_elements)
        instance.completed_elements = [
            *instance.completed_elements,
            *sorted({projections.element_id(t) for t in reached if t.task_spec.bpmn_id} - done),
        ]
        instance.active_elements = projections.active_elements(workflow)
        if workflow.is_completed():
            instance.status, instance.ended_at = INSTANCE_COMPLETED, outcome.now
            outcome.record("instance.completed")
        outcome.record_system_events()
        prune(workflow)
        instance.state = self.workflows.codec.dump(workflow)
        instance.updated_at = outcome.now
        instance.revision += 1
        self._finish(session, outcome)

    def _finish(self, session: Session, outcome: Outcome) -> None:
        for listener in self.listeners:
            listener.on_outcome(session, outcome)
        # The new head of the instance's audit stream rides on its one UPDATE (hence no autoflush).
        with session.no_autoflush:
            chain.append(session, outcome.events, at=outcome.now, head=outcome.instance)
        session.flush()

    def _run_engine(self, step: Callable[[], Any], element: str | None) -> None:
        try:
            step()
        except _ENGINE_ERRORS as error:
            where = getattr(getattr(error, "task_spec", None), "bpmn_id", None) or element
            raise ProcedureError(f"流程执行失败（{where or '引擎'}）：{error}") from error

    def warm_specs(self) -> int:
        """Parse the latest version of every deployed diagram now (at start-up), not on first use."""
        with self.db.session() as session:
            return self.workflows.warm(session)

    # -- reads used by the edges ---------------------------------------------------------------
    def task_data(self, session: Session, row: HumanTask) -> dict[str, Any]:
        """The values the task's form starts with (TaskForms.start_values), from its live data."""
        return self.task_view(session, row)[0]

    def task_view(self, session: Session, row: HumanTask) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        """An open task's start values and its context (what earlier steps ask it to decide on)."""
        instance = session.get(ProcessInstance, row.instance_id)
        if instance is None or row.status != TASK_OPEN:
            return {}, []
        version = self.versions.get(session, instance.version_id)
        engine = ScriptEngine(self.clock, self.calendar())
        workflow = self.workflows.load(session, instance, version, engine)
        data = workflow.get_task_from_id(UUID(row.id)).data
        return self.forms.start_values(version, row, data), self.forms.context(session, version, row, data)


def _assignee_refusal(session: Session, row: HumanTask, assignee: Actor) -> str | None:
    """Why `assignee` may not be given the task (None when they may)."""
    if assignee.read_only:
        return "该人员只能查看，不能办理任务"
    if row.assignee == assignee.username:
        return "该任务现已由此人办理"
    if row.candidate_group is not None and row.candidate_group not in assignee.groups:
        return f"该人员不在本任务的办理组（{row.candidate_group}）中"
    if recusal.is_recused(session, row, assignee.username):
        return "该人员已申请回避本事项，不能改派给其办理"
    return None
