"""Reads over the engine's projections (never over the workflow blob)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.engine import recusal
from service.engine.commands import Actor
from service.engine.models import TASK_OPEN, HumanTask


def open_tasks(
    session: Session,
    *,
    actor: Actor | None,
    business_key: str | None = None,
    mine: bool = False,
    limit: int = 500,
) -> Sequence[HumanTask]:
    """Open tasks `actor` may work on (all open tasks when `actor` is None), soonest due first."""
    statement = select(HumanTask).where(HumanTask.status == TASK_OPEN)
    if actor is not None:
        statement = statement.where(recusal.not_recused(actor.username))
        if mine:
            statement = statement.where(HumanTask.assignee == actor.username)
        else:
            statement = statement.where(
                or_(
                    HumanTask.assignee == actor.username,
                    (HumanTask.assignee.is_(None)) & (HumanTask.candidate_group.in_(sorted(actor.groups))),
                )
            )
    if business_key is not None:
        statement = statement.where(HumanTask.business_key == business_key)
    statement = statement.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
    return session.scalars(statement.limit(limit)).all()
