"""Projections of a workflow into typed rows: open user tasks, their deadlines, the element path."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import ColumnElement, bindparam, case, insert, select, update
from sqlalchemy.orm import Session

from service.db import insert_values, table_of
from service.engine.calendar import Deadline, as_moment
from service.engine.models import (
    TASK_CANCELLED,
    TASK_COMPLETED,
    TASK_OPEN,
    TIMER_CANCELLED,
    TIMER_FIRED,
    TIMER_INCIDENT,
    TIMER_PENDING,
    DeadlineRecord,
    HumanTask,
    ProcessInstance,
    Timer,
)
from service.engine.scripting import ScriptEngine
from service.engine.timers import TimerDue, due_of

_EXPRESSION = re.compile(r"\$\{(.+?)\}")


def all_tasks(workflow: BpmnWorkflow) -> Iterable[Task]:
    yield from workflow.tasks.values()
    for sub in workflow.subprocesses.values():
        yield from sub.tasks.values()


def completed_ids(workflow: BpmnWorkflow) -> set[UUID]:
    return {t.id for t in all_tasks(workflow) if t.has_state(TaskState.COMPLETED)}


def element_id(task: Task) -> str:
    return str(task.task_spec.bpmn_id or task.task_spec.name)


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def interpolate(template: str, data: Mapping[str, Any], engine: ScriptEngine) -> str:
    """Replace each ${expression} in `template` with its sandboxed value."""
    return _EXPRESSION.sub(lambda m: str(engine.environment.evaluate(m.group(1), dict(data))), template)


# inline(): the new deadline ids are not read back (no implicit RETURNING), so on PostgreSQL the
# INSERTs are queued in the unit of work's pipeline instead of waited for.
_INSERT_TASKS = insert(table_of(HumanTask)).inline()
_INSERT_DEADLINES = insert(table_of(DeadlineRecord)).inline()


@dataclass(frozen=True)
class TaskChanges:
    created: list[HumanTask]
    closed: list[HumanTask]


def sync_human_tasks(
    session: Session,
    *,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    elements: Mapping[str, Mapping[str, Any]],
    engine: ScriptEngine,
    now: datetime,
    completed_by: Mapping[str, str],
    open_ids: set[str] | None = None,
) -> TaskChanges:
    """Make the open `human_task` rows of `instance` equal the workflow's READY user tasks.

    New rows and their deadlines go in as plain INSERTs (the objects handed back are not attached to
    the session: listeners read them); closing touches only the rows that close. `open_ids` (the
    open rows' ids, when the caller knows them from the workflow it loaded) saves a query."""
    if open_ids is None:
        open_ids = set(
            session.scalars(
                select(HumanTask.id).where(
                    HumanTask.instance_id == instance.id, HumanTask.status == TASK_OPEN
                )
            )
        )
    ready = {str(t.id): t for t in ready_user_tasks(workflow)}
    created, deadlines = [], []
    for task_id, task in ready.items():
        if task_id not in open_ids:
            row, deadline = _new_task(
                instance, task=task, element=elements.get(element_id(task), {}), engine=engine, now=now
            )
            created.append(row)
            if deadline is not None:
                deadlines.append(deadline)
    if created:
        # The Table, not the mapped class: a plain Core INSERT, not the ORM's bulk path.
        session.execute(_INSERT_TASKS, [insert_values(row) for row in created])
    if deadlines:
        session.execute(_INSERT_DEADLINES, [insert_values(record) for record in deadlines])
    closed = []
    for task_id in open_ids - ready.keys():
        closing = session.get(HumanTask, task_id)  # the task just completed is in the session already
        if closing is None:
            continue
        spiff_task = workflow.get_task_from_id(UUID(task_id)) if _known(workflow, task_id) else None
        finished = spiff_task is not None and spiff_task.has_state(TaskState.COMPLETED)
        closing.status = TASK_COMPLETED if finished else TASK_CANCELLED
        closing.completed_at = now
        if task_id in completed_by:
            closing.completed_by = completed_by[task_id]
        closed.append(closing)
        if closing.deadline_rule is not None:  # only tasks with a computed deadline have a record to close
            _close_deadlines(session, task_id, finished=finished, now=now)
    return TaskChanges(created, closed)


def _known(workflow: BpmnWorkflow, task_id: str) -> bool:
    uuid = UUID(task_id)
    return any(t.id == uuid for t in all_tasks(workflow))


def _new_task(
    instance: ProcessInstance,
    *,
    task: Task,
    element: Mapping[str, Any],
    engine: ScriptEngine,
    now: datetime,
) -> tuple[HumanTask, DeadlineRecord | None]:
    data = dict(task.data)
    group = element.get("candidate_groups")
    assignee = element.get("assignee")
    row = HumanTask(
        id=str(task.id),
        instance_id=instance.id,
        business_key=instance.business_key,
        element_id=element_id(task),
        title=element.get("name") or element_id(task),
        form_key=element.get("form_key", ""),
        candidate_group=interpolate(group, data, engine) if group else None,
        assignee=(interpolate(assignee, data, engine) or None) if assignee else None,
        status=TASK_OPEN,
        created_at=now,
    )
    deadline = None
    due_expression = element.get("due_date")
    if due_expression:
        due = engine.environment.evaluate(_EXPRESSION.fullmatch(due_expression.strip()).group(1), data)  # type: ignore[union-attr]
        if isinstance(due, Deadline):
            row.due_at, row.deadline_rule = due.due_at, due.rule
            deadline = deadline_row(
                instance_id=instance.id, task_id=row.id, element=row.element_id, due=due, now=now
            )
        elif due is not None:
            row.due_at = as_moment(due)
    return row, deadline


def deadline_row(
    *, instance_id: str, task_id: str | None, element: str, due: Deadline, now: datetime
) -> DeadlineRecord:
    return DeadlineRecord(
        instance_id=instance_id,
        task_id=task_id,
        element_id=element,
        rule=due.rule,
        unit=due.unit,
        count=due.count,
        start_at=due.start_at,
        due_at=due.due_at,
        provisional=due.provisional,
        calendar=due.calendar,
        status="active",
        created_at=now,
    )


_DEADLINES = table_of(DeadlineRecord)
_ACTIVE_DEADLINES_OF_TASK = update(_DEADLINES).where(
    _DEADLINES.c.task_id == bindparam("closing_task_id"), _DEADLINES.c.status == "active"
)
# How an active deadline settles (`now` is bound when the statement runs): met when its step
# finished by the due time, late after it; closed when the step was cancelled.
SETTLE_FINISHED = {
    "status": case((_DEADLINES.c.due_at >= bindparam("now"), "met"), else_="late"),
    "met_at": bindparam("now"),
}
SETTLE_CANCELLED = {"status": "closed", "met_at": None}
# Built once: every completion runs one.
_MEET_DEADLINES = _ACTIVE_DEADLINES_OF_TASK.values(**SETTLE_FINISHED)
_CLOSE_DEADLINES = _ACTIVE_DEADLINES_OF_TASK.values(**SETTLE_CANCELLED)


def _close_deadlines(session: Session, task_id: str, *, finished: bool, now: datetime) -> None:
    """One statement: a finished task's deadline was met (or late); a cancelled task's is closed."""
    if finished:
        session.execute(_MEET_DEADLINES, {"closing_task_id": task_id, "now": now})
    else:
        session.execute(_CLOSE_DEADLINES, {"closing_task_id": task_id})


def settle_deadlines(session: Session, *where: ColumnElement[bool], finished: bool, now: datetime) -> None:
    """Settle the active deadlines matching `where` that no task owns (e.g. a 交办 item's report)."""
    statement = update(_DEADLINES).where(_DEADLINES.c.status == "active", *where)
    if finished:
        session.execute(statement.values(**SETTLE_FINISHED), {"now": now})
    else:
        session.execute(statement.values(**SETTLE_CANCELLED))


def active_elements(workflow: BpmnWorkflow) -> list[str]:
    live = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    return sorted({element_id(t) for t in all_tasks(workflow) if t.has_state(live) and t.task_spec.bpmn_id})


def newly_completed(workflow: BpmnWorkflow, before: set[UUID]) -> list[Task]:
    done = [t for t in all_tasks(workflow) if t.has_state(TaskState.COMPLETED) and t.id not in before]
    return sorted(done, key=lambda t: t.last_state_change)


def sync_timers(
    session: Session, *, instance: ProcessInstance, workflow: BpmnWorkflow, now: datetime, as_of: datetime
) -> list[Timer]:
    """Make the pending `timer` rows equal the waiting timer events; return the rows that fired."""
    rows = {
        row.task_id: row
        for row in session.query(Timer).filter(
            Timer.instance_id == instance.id, Timer.status.in_((TIMER_PENDING, TIMER_INCIDENT))
        )
    }
    waiting: dict[str, tuple[Task, TimerDue]] = {}
    for task in all_tasks(workflow):
        found = due_of(task) if task.has_state(TaskState.WAITING) else None
        if found is not None:
            waiting[str(task.id)] = (task, found)
    fired = []
    for task_id, (task, due) in waiting.items():
        row = rows.get(task_id)
        if row is None:
            session.add(
                Timer(
                    instance_id=instance.id,
                    task_id=task_id,
                    element_id=element_id(task),
                    business_key=instance.business_key,
                    kind=due.kind,
                    due_at=due.due_at,
                    status=TIMER_PENDING,
                    attempts=0,
                    fired_count=0,
                    deadline_rule=due.rule,
                    provisional=due.provisional,
                    created_at=now,
                    updated_at=now,
                )
            )
            continue
        if row.due_at == due.due_at and row.provisional == due.provisional:
            continue
        if due.kind == "cycle":  # a cycle fired and moved on to its next occurrence
            row.fired_count += 1
            fired.append(row)
        row.due_at, row.provisional, row.status, row.attempts, row.retry_at, row.updated_at = (
            due.due_at,
            due.provisional,
            TIMER_PENDING,
            0,
            None,
            now,
        )
    for task_id, row in rows.items():
        if task_id in waiting:
            continue
        task = next((t for t in all_tasks(workflow) if str(t.id) == task_id), None)
        # A date timer fired when its event completed; a cycle's last repetition ends the event, so
        # it fired when it was due at the moment the engine ran.
        completed = task is not None and task.has_state(TaskState.COMPLETED)
        completed = completed or (row.kind == "cycle" and row.due_at <= as_of)
        row.status, row.updated_at = (TIMER_FIRED if completed else TIMER_CANCELLED), now
        if completed:
            row.fired_count += 1
            fired.append(row)
    return fired
