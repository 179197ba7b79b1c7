"""回避 (《信访工作条例》 art. 28): whoever has a direct interest in a matter steps aside from it.

A recusal is per matter and per person. The matter is the instance's business key, which every
process about one petition shares (its handling, supervision, review …), or the instance itself
when it has none. From then on that person is not offered, and may not claim or complete, any task
of the matter; the tasks they held go back to their groups. It is recorded through the runtime (its
own command, in the instance's audit stream) and never lifted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from service.engine.models import TASK_OPEN, HumanTask, ProcessInstance, Recusal


def matter_of(instance: ProcessInstance) -> str:
    return instance.business_key or instance.id


def task_matter() -> ColumnElement[str]:
    return func.coalesce(HumanTask.business_key, HumanTask.instance_id)


def instance_matter() -> ColumnElement[str]:
    return func.coalesce(ProcessInstance.business_key, ProcessInstance.id)


def is_recused(session: Session, task: HumanTask, username: str) -> bool:
    """Whether `username` stepped aside from the matter `task` belongs to."""
    matter = task.business_key or task.instance_id
    found = select(Recusal.id).where(Recusal.matter == matter, Recusal.username == username)
    return session.scalar(found.limit(1)) is not None


def stepped_aside(matter: str) -> Select[str]:
    """For user lists: the usernames that stepped aside from `matter`."""
    return select(Recusal.username).where(Recusal.matter == matter)


def not_recused(username: str) -> ColumnElement[bool]:
    """For task lists: tasks of matters `username` has not stepped aside from."""
    return ~exists().where(Recusal.matter == task_matter(), Recusal.username == username)


def step_aside(
    session: Session, instance: ProcessInstance, username: str, reason: str, now: datetime
) -> list[str]:
    """Record the recusal; hand back to their groups the open tasks of the matter the person held."""
    matter = matter_of(instance)
    session.add(
        Recusal(matter=matter, username=username, instance_id=instance.id, reason=reason, recused_at=now)
    )
    held = session.scalars(
        select(HumanTask).where(
            task_matter() == matter, HumanTask.status == TASK_OPEN, HumanTask.assignee == username
        )
    ).all()
    for task in held:
        task.assignee = None
    return [task.id for task in held]
