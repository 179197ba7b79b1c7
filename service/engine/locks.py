"""Row locks a command takes before it reads what it changes.

PostgreSQL: SELECT … FOR UPDATE on the instance row (commands on one instance queue there);
SQLite: the unit of work already holds the write lock (BEGIN IMMEDIATE).

The statements are built once, with bound parameters: every command runs them, and building a
statement and its cache key costs more than a tenth of a millisecond each time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, aliased

from service.engine import recusal
from service.engine.models import HumanTask, ProcessInstance, Recusal
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
_SEEN = aliased(ProcessInstance)
# The instance's revision as the statement's snapshot saw it. When a command on the instance commits
# while this one waits for the lock, the lock returns the newer row (PostgreSQL re-reads a locked row
# that changed) but everything else the statement read is from before: the two revisions differ.
_SEEN_REVISION = select(_SEEN.revision).where(_SEEN.id == ProcessInstance.id).scalar_subquery()
_TASK_WITH_LOCKED_INSTANCE = (
    select(HumanTask, ProcessInstance, _RECUSED.label("recused"), _SEEN_REVISION.label("seen_revision"))
    .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    .where(HumanTask.id == bindparam("task_id"))
    .with_for_update(of=ProcessInstance)
    .execution_options(populate_existing=True)
)
_TASK_AGAIN = (
    select(HumanTask, _RECUSED.label("recused"))
    .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    .where(HumanTask.id == bindparam("task_id"))
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
    recused: bool  # the acting person stepped aside from this instance's matter


def lock_task(session: Session, task_id: str, username: str) -> LockedTask:
    """Lock the task's instance and read the task, in one statement when no other command on the
    instance committed meanwhile; when one did, the task is read again under the lock, so what we
    read is what the lock protects (its status, its assignee)."""
    parameters = {"task_id": task_id, "username": username}
    found = session.execute(_TASK_WITH_LOCKED_INSTANCE, parameters).one_or_none()
    if found is None:
        raise NotFound("任务不存在")
    row, instance, recused, seen_revision = found
    if seen_revision != instance.revision:
        row, recused = session.execute(_TASK_AGAIN, parameters).one()
    return LockedTask(row, instance, bool(recused))
