"""改派 (reassignment): who may hand an open task to someone else, and to whom.

The office's coordinators (督办员, 研判员) and the administrator reassign; the auditor only reads.
The new assignee is an active user who has not stepped aside from the matter and, when the task
has a candidate group, one of that group. A task with no group (one assigned to a person by name:
a governance step, a leader's review) may go to anyone whose role carries out steps of a matter:
研判员, 督办员, 承办人, 部门负责人, 校领导. Not the registrar (registration only), the administrator
(runs the models, not the matters) nor the auditor (reads only).

The runtime (`AssignTask`) checks again under the instance lock what can change meanwhile (the
task still open, the person still free of the matter, the group); this module resolves who the
person is and offers the page its list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine import recusal
from service.engine.commands import Actor
from service.engine.models import TASK_OPEN, HumanTask
from service.errors import Conflict, Invalid
from service.identity.models import Department, User
from service.identity.roles import ADMIN, ASSESSOR, HANDLER, HEAD, LEADER, ROLE_LABELS, SUPERVISOR
from service.identity.service import actor_for

MAY_REASSIGN = frozenset({SUPERVISOR, ASSESSOR, ADMIN})
# Who may be given a task that names no candidate group.
NAMED_WORK_ROLES = frozenset({ASSESSOR, SUPERVISOR, HANDLER, HEAD, LEADER})


@dataclass(frozen=True)
class Candidate:
    username: str
    label: str  # 姓名（部门）· 角色


def may_reassign(user: User) -> bool:
    return user.role in MAY_REASSIGN


def assignee_for(session: Session, task: HumanTask, username: str) -> Actor:
    """The person `username` as the task's new assignee; 422 on `assignee` when they cannot be,
    409 when the task is no longer open."""
    if task.status != TASK_OPEN:
        raise Conflict("该任务已办理或已撤销")
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise Invalid("不能改派给该人员", errors={"assignee": f"没有这个在职用户：{username}"})
    if task.candidate_group is None and user.role not in NAMED_WORK_ROLES:
        role = ROLE_LABELS.get(user.role, user.role)
        raise Invalid("不能改派给该人员", errors={"assignee": f"{role}不办理事项，不能改派给其办理"})
    return actor_for(user)


def candidates(session: Session, task: HumanTask) -> Sequence[Candidate]:
    """Everyone the open task may be reassigned to, by department then username (not whoever
    holds it now, nor anyone who stepped aside from the matter)."""
    matter = task.business_key or task.instance_id
    statement = (
        select(User.username, User.display_name, User.role, Department.name)
        .outerjoin(Department, Department.code == User.department_code)
        .where(
            User.active.is_(True),
            User.username.not_in(recusal.stepped_aside(matter)),
        )
        .order_by(User.department_code, User.username)
    )
    if task.candidate_group is None:
        statement = statement.where(User.role.in_(sorted(NAMED_WORK_ROLES)))
    else:
        role, _, department = task.candidate_group.partition("@")
        statement = statement.where(User.role == role)
        if department:
            statement = statement.where(User.department_code == department)
    return [
        Candidate(username, _label(name, role, department))
        for username, name, role, department in session.execute(statement)
        if username != task.assignee
    ]


def _label(name: str, role: str, department: str | None) -> str:
    where = f"（{department}）" if department else ""
    return f"{name}{where} · {ROLE_LABELS.get(role, role)}"
