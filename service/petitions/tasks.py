"""Tasks as people see them: which they may work on, and which they may look at."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from service.engine import queries
from service.engine.models import HumanTask
from service.errors import Forbidden, NotFound
from service.identity.models import User
from service.identity.service import actor_for
from service.petitions import access
from service.petitions.models import Petition
from service.petitions.projection import business_key, petition_id_of


def list_tasks(
    session: Session,
    user: User,
    *,
    petition_id: int | None = None,
    mine: bool = False,
    everyone: bool = False,
) -> Sequence[HumanTask]:
    """The caller's open tasks; with `everyone`, the office, leaders and auditors see all open tasks."""
    viewer = access.Viewer.of(user)
    key = business_key(petition_id) if petition_id is not None else None
    if everyone and viewer.sees_all:
        return queries.open_tasks(session, actor=None, business_key=key)
    return queries.open_tasks(session, actor=actor_for(user), business_key=key, mine=mine)


def get_task(session: Session, user: User, task_id: str) -> tuple[HumanTask, Petition | None]:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound("任务不存在")
    petition_id = petition_id_of(row.business_key)
    petition = session.get(Petition, petition_id) if petition_id is not None else None
    actor = actor_for(user)
    works_on_it = actor.may_work_on(row.candidate_group, row.assignee) or row.completed_by == user.username
    viewer = access.Viewer.of(user)
    # A task of no petition (a campaign's, say) is open to those who see every task, as listed.
    may_view = access.may_view(session, viewer, petition) if petition is not None else viewer.sees_all
    if not works_on_it and not may_view:
        raise Forbidden("无权查看此任务")
    return row, petition
