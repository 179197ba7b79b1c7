"""Row locks a command takes before it reads what it changes.

PostgreSQL: SELECT … FOR UPDATE on the instance row (commands on one instance queue there);
SQLite: the unit of work already holds the write lock (BEGIN IMMEDIATE).

The statements are built once, with bound parameters: every command runs them, and building a
statement and its cache key costs more than a tenth of a millisecond each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, select
from sqlalchemy.orm import Session, aliased

from service.db import Base
from service.engine import recusal
from service.engine.commands import Actor
from service.engine.models import HumanTask, ProcessInstance, Recusal
from service.errors import Forbidden, NotFound

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
    # Rows a domain asked to have read with the lock (TaskLock.add_companion); held here so that the
    # session, whose identity map keeps objects only weakly, still has them when a listener asks.
    companions: tuple[Base, ...] = ()

    def within_reach_of(self, actor: Actor, refusal: str) -> tuple[HumanTask, ProcessInstance]:
        """The task and its instance; 403 (`refusal`) when the task is not the actor's business, or
        when they stepped aside from its matter."""
        if not actor.within_reach(self.row.candidate_group, self.row.assignee):
            raise Forbidden(refusal)
        return self.unrecused()

    def unrecused(self) -> tuple[HumanTask, ProcessInstance]:
        """The task and its instance; 403 when the acting person stepped aside from its matter."""
        if self.recused:
            raise Forbidden("已申请回避，不能办理此事项")
        return self.row, self.instance


class TaskLock:
    """Locks a task's instance and reads the task, in one statement when no other command on the
    instance committed meanwhile; when one did, the task is read again under the lock, so what a
    command checks is what the lock protects (the task's status, its assignee)."""

    def __init__(self) -> None:
        self._companions: list[tuple[type[Base], ColumnElement[bool]]] = []
        self._build()

    def add_companion(self, entity: type[Base], on: ColumnElement[bool]) -> None:
        """Read the row of `entity` joined to the instance by `on` (at most one) with the lock, into
        the session: a listener that then asks the session for it gets it without a query of its own."""
        self._companions.append((entity, on))
        self._build()

    def _build(self) -> None:
        entities = [entity for entity, _ in self._companions]
        locked = select(
            HumanTask, ProcessInstance, _RECUSED.label("recused"), _SEEN_REVISION.label("seen_revision")
        ).add_columns(*entities)
        again = select(HumanTask, _RECUSED.label("recused")).add_columns(*entities)
        self._locked = self._from_task(locked).with_for_update(of=ProcessInstance)
        self._again = self._from_task(again)

    def _from_task(self, statement: Select[Any]) -> Select[Any]:
        statement = statement.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        for entity, on in self._companions:
            statement = statement.outerjoin(entity, on)
        return statement.where(HumanTask.id == bindparam("task_id")).execution_options(populate_existing=True)

    def __call__(self, session: Session, task_id: str, username: str) -> LockedTask:
        parameters = {"task_id": task_id, "username": username}
        found = session.execute(self._locked, parameters).first()
        if found is None:
            raise NotFound("任务不存在")
        row, instance, recused, seen_revision, *companions = found
        if seen_revision != instance.revision:
            row, recused, *companions = session.execute(self._again, parameters).one()
        return LockedTask(row, instance, bool(recused), tuple(c for c in companions if c is not None))
