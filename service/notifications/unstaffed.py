"""After a recusal (回避), a step nobody may take any more is brought to the office at once.

A department with a single handler who steps aside leaves its open step with no one to sign for
it or handle it; left alone, the step would only surface when it ran overdue. The office's 研判员
and 督办员 (except any who stepped aside from the matter themselves) are told which step it is, so
they can add a handler or reassign it, and the instance's audit stream records that nobody
remained and who was told.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.commands import Recuse
from service.engine.models import TASK_OPEN, HumanTask
from service.engine.outcome import Outcome
from service.engine.recusal import matter_of, stepped_aside, task_matter
from service.identity import assignees
from service.identity.models import Department, User
from service.identity.roles import ASSESSOR, SUPERVISOR, group_label
from service.notifications.models import Notification, petition_id_of

KIND_UNSTAFFED = "task_unstaffed"
# Who coordinates a stranded step: the office's 研判员 and 督办员 (governance work is theirs).
OFFICE_COORDINATORS = (ASSESSOR, SUPERVISOR)


class UnstaffedAlert:
    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        if not isinstance(outcome.command, Recuse):
            return
        matter = matter_of(outcome.instance)
        session.flush()  # the recusal just recorded counts
        open_steps = session.scalars(
            select(HumanTask).where(task_matter() == matter, HumanTask.status == TASK_OPEN)
        ).all()
        stranded = [t for t in open_steps if not _anyone_left(session, t)]
        if not stranded:
            return
        office = session.scalars(
            select(User.username)
            .where(
                User.role.in_(OFFICE_COORDINATORS),
                User.active.is_(True),
                User.username.not_in(stepped_aside(matter)),
            )
            .order_by(User.username)
        ).all()
        for task in stranded:
            group = _group_label(session, task.candidate_group)
            outcome.record("task.unstaffed", actor="system", task_id=task.id, group=group, told=list(office))
            session.add_all(
                Notification(
                    recipient=username,
                    kind=KIND_UNSTAFFED,
                    title=f"无人可办：{task.title}",
                    body=f"“{task.title}”的办理人员已申请回避，{group}中已无其他可办理人员："
                    "请协调增加承办人或改派。",
                    link=f"/work/tasks/{task.id}",
                    task_id=task.id,
                    petition_id=petition_id_of(task.business_key),
                    business_key=task.business_key,
                    created_at=outcome.now,
                )
                for username in office
            )


def _group_label(session: Session, group: str | None) -> str:
    """'handler@academic' reads 承办人·教务处; a task assigned by name has no group."""
    if not group:
        return "指定办理人"
    department = session.get(Department, group.partition("@")[2])
    return group_label(group, {department.code: department.name} if department else {})


def _anyone_left(session: Session, task: HumanTask) -> bool:
    """Whether someone may still take the task: its assignee, or else someone of its candidate group
    who is active and has not stepped aside from the matter (the people it could be reassigned to).
    A task assigned by name has no group to fall back on once its assignee steps aside."""
    if task.assignee is not None:
        return True
    return task.candidate_group is not None and bool(assignees.candidates(session, task))
