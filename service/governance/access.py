"""Who sees which governance numbers: the office, school leaders, the auditor and administrators see
the whole university; a department's staff see only their own department. The public sees none."""

from __future__ import annotations

from service.errors import Forbidden
from service.identity.models import User
from service.identity.roles import ADMIN, AUDITOR, HANDLER, HEAD, LEADER, OFFICE_ROLES, SUPERVISOR

WHOLE_SCHOOL = frozenset({*OFFICE_ROLES, LEADER, AUDITOR, ADMIN})
DEPARTMENT_ROLES = frozenset({HEAD, HANDLER})
MAY_OPEN_ITEMS = frozenset({SUPERVISOR, "assessor", LEADER})
MAY_SNAPSHOT = frozenset({SUPERVISOR, ADMIN})


def may_see_numbers(user: User) -> bool:
    """Whether `user` sees any governance numbers at all: the whole university or their department."""
    return user.role in WHOLE_SCHOOL or (user.role in DEPARTMENT_ROLES and bool(user.department_code))


def department_scope(user: User, requested: str | None) -> str | None:
    """The department whose numbers `user` may see for a request (None = the whole university)."""
    if user.role in WHOLE_SCHOOL:
        return requested
    if may_see_numbers(user):
        if requested and requested != user.department_code:
            raise Forbidden("只能查看本部门的数据")
        return user.department_code
    raise Forbidden("当前角色无权查看统计数据")


def require_whole_school(user: User) -> None:
    """Whole-university material (snapshots, the monthly report) is not for a single department."""
    if user.role not in WHOLE_SCHOOL:
        raise Forbidden("当前角色无权查看全校统计")
