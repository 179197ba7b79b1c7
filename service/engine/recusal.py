"""回避 (《信访工作条例》 art. 28): whoever has a direct interest in a matter steps aside from it.

A recusal is per process instance and per person: from then on that person is not offered, and may
not claim or complete, any task of the instance; a task they held goes back to its group. It is
recorded through the runtime (its own command, in the instance's audit stream) and never lifted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from service.engine.models import TASK_OPEN, HumanTask, InstanceRecusal, ProcessInstance


def is_recused(session: Session, instance_id: str, username: str) -> bool:
    found = select(InstanceRecusal.id).where(
        InstanceRecusal.instance_id == instance_id, InstanceRecusal.username == username
    )
    return session.scalar(found.limit(1)) is not None


def not_recused(username: str) -> ColumnElement[bool]:
    """For task lists: tasks of instances `username` has not stepped aside from."""
    return ~exists().where(
        InstanceRecusal.instance_id == HumanTask.instance_id, InstanceRecusal.username == username
    )


def step_aside(
    session: Session, instance: ProcessInstance, username: str, reason: str, now: datetime
) -> list[str]:
    """Record the recusal; hand back to their groups the open tasks the person held (their ids)."""
    session.add(InstanceRecusal(instance_id=instance.id, username=username, reason=reason, recused_at=now))
    held = session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == instance.id,
            HumanTask.status == TASK_OPEN,
            HumanTask.assignee == username,
        )
    ).all()
    for task in held:
        task.assignee = None
    return [task.id for task in held]
