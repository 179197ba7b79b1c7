"""Row locks a command takes before it reads what it changes.

PostgreSQL: SELECT … FOR UPDATE on the instance row (commands on one instance queue there);
SQLite: the unit of work already holds the write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from service.engine.models import TASK_OPEN, HumanTask, ProcessInstance
from service.errors import NotFound


def lock_instance(session: Session, instance_id: str) -> ProcessInstance:
    statement = (
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    instance = session.execute(statement).scalar_one_or_none()
    if instance is None:
        raise NotFound("流程实例不存在")
    return instance


def lock_task(session: Session, task_id: str) -> tuple[HumanTask, ProcessInstance, set[str]]:
    """Lock the task's instance first, then read the task: what we read is what the lock protects.

    The same read brings the instance's other open tasks, whose ids the projection needs."""
    owner = select(HumanTask.instance_id).where(HumanTask.id == task_id).scalar_subquery()
    instance = session.execute(
        select(ProcessInstance)
        .where(ProcessInstance.id == owner)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if instance is None:
        raise NotFound("任务不存在")
    rows = session.scalars(
        select(HumanTask)
        .where(
            or_(
                HumanTask.id == task_id,
                and_(HumanTask.instance_id == instance.id, HumanTask.status == TASK_OPEN),
            )
        )
        .execution_options(populate_existing=True)
    ).all()
    row = next((candidate for candidate in rows if candidate.id == task_id), None)
    if row is None:
        raise NotFound("任务不存在")
    open_ids = {r.id for r in rows if r.instance_id == instance.id and r.status == TASK_OPEN}
    return row, instance, open_ids
