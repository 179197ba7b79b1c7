"""Row locks a command takes before it reads what it changes.

PostgreSQL: SELECT … FOR UPDATE on the instance row (commands on one instance queue there);
SQLite: the unit of work already holds the write lock (BEGIN IMMEDIATE).

The statements are built once, with bound parameters: every command runs them, and building a
statement and its cache key costs more than a tenth of a millisecond each time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from service.engine import recusal
from service.engine.models import TASK_OPEN, HumanTask, ProcessInstance, Recusal
from service.errors import NotFound

_INSTANCE = (
    select(ProcessInstance)
    .where(ProcessInstance.id == bindparam("instance_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
# Whether the acting person stepped aside (回避) from the matter: read with the lock, at no extra cost.
_RECUSED = exists().where(
    Recusal.matter == recusal.instance_matter(), Recusal.username == bindparam("username")
)
_TASK_OWNER = (
    select(ProcessInstance, _RECUSED.label("recused"))
    .where(
        ProcessInstance.id
        == select(HumanTask.instance_id).where(HumanTask.id == bindparam("task_id")).scalar_subquery()
    )
    .with_for_update(of=ProcessInstance)
    .execution_options(populate_existing=True)
)
_TASK_AND_OPEN_SIBLINGS = (
    select(HumanTask)
    .where(
        or_(
            HumanTask.id == bindparam("task_id"),
            and_(HumanTask.instance_id == bindparam("instance_id"), HumanTask.status == TASK_OPEN),
        )
    )
    .execution_options(populate_existing=True)
)


def lock_instance(session: Session, instance_id: str) -> ProcessInstance:
    instance = session.execute(_INSTANCE, {"instance_id": instance_id}).scalar_one_or_none()
    if instance is None:
        raise NotFound("流程实例不存在")
    return instance


@dataclass(frozen=True)
class LockedTask:
    row: HumanTask
    instance: ProcessInstance
    open_ids: set[str]  # the instance's open tasks, which the projection needs
    recused: bool  # the acting person stepped aside from this instance's matter


def lock_task(session: Session, task_id: str, username: str) -> LockedTask:
    """Lock the task's instance first, then read the task: what we read is what the lock protects.

    The same read brings the instance's other open tasks, whose ids the projection needs."""
    locked = session.execute(_TASK_OWNER, {"task_id": task_id, "username": username}).one_or_none()
    if locked is None:
        raise NotFound("任务不存在")
    instance, recused = locked
    rows = session.scalars(_TASK_AND_OPEN_SIBLINGS, {"task_id": task_id, "instance_id": instance.id}).all()
    row = next((candidate for candidate in rows if candidate.id == task_id), None)
    if row is None:
        raise NotFound("任务不存在")
    open_ids = {r.id for r in rows if r.instance_id == instance.id and r.status == TASK_OPEN}
    return LockedTask(row, instance, open_ids, bool(recused))
