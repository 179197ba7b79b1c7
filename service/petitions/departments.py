"""Departments (DOMAIN.md §8), changed by administrators beside the categories (reference.py, whose
rules hold here too: codes never change, nothing is deleted, every change is an audit event and
refreshes the cached option lists once committed).

A department is not deactivated while it still has work or people: open tasks of its groups or its
staff, active accounts, or active categories that name it as their default department are reasons to
refuse, all named in one message (the administrator sees what to move first; nothing is left
waiting in a group nobody may join). The office and the discipline office, which the procedure
names, are never deactivated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service.engine.models import TASK_OPEN, HumanTask
from service.errors import Conflict, Invalid, NotFound
from service.identity.models import Department, User
from service.petitions.models import Category
from service.petitions.reference import Refresh, clean_value, common_errors, lock_taxonomy, record_change

FIELDS = ("name", "kind", "active", "sort_order")
KINDS = {"office": "信访办（党政办）", "functional": "职能部门", "college": "学院"}
# Departments the procedure itself names: the office's groups run it, 举报 go only to discipline.
FIXED = {
    "office": "信访办是流程中登记、研判、督办各步骤的承办部门，不能停用",
    "discipline": "纪委办公室是举报和受限分类事项唯一的承办部门，不能停用",
}
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
CODE_RULE = "编码须由小写字母、数字和下划线组成，以字母开头，不超过 40 个字符"


def list_departments(session: Session) -> list[Department]:
    """Every department, inactive ones too."""
    return list(session.scalars(select(Department).order_by(Department.sort_order, Department.code)))


def get_department(session: Session, code: str) -> Department:
    row = session.get(Department, code)
    if row is None:
        raise NotFound(f"没有这个部门：{code}")
    return row


def create_department(
    session: Session, *, values: Mapping[str, Any], actor: str, now: datetime, refresh: Refresh
) -> Department:
    departments, _categories = lock_taxonomy(session)
    code = str(values.get("code") or "").strip()
    if not CODE.fullmatch(code):
        raise Invalid("部门信息有误", errors={"code": CODE_RULE})
    if code in departments:
        raise Conflict(
            f"部门编码 {code} 已存在", errors={"code": f"编码 {code} 已被“{departments[code].name}”使用"}
        )
    after = {name: clean_value(name, values.get(name)) for name in FIELDS}
    after["kind"] = after["kind"] or "functional"
    after["active"] = True if values.get("active") is None else bool(after["active"])
    if after["sort_order"] is None:
        after["sort_order"] = max((d.sort_order for d in departments.values()), default=-1) + 1
    errors = _check_department(session, code, before={}, after=after, departments=departments)
    if errors:
        raise Invalid("部门信息有误", errors=errors)
    row = Department(code=code, **after)
    session.add(row)
    record_change(
        session,
        action="department.created",
        code=code,
        before={},
        after=after,
        actor=actor,
        now=now,
        refresh=refresh,
    )
    return row


def update_department(
    session: Session, code: str, *, changes: Mapping[str, Any], actor: str, now: datetime, refresh: Refresh
) -> Department:
    departments, _categories = lock_taxonomy(session)
    row = departments.get(code)
    if row is None:
        raise NotFound(f"没有这个部门：{code}")
    if "code" in changes and changes["code"] != code:
        raise Invalid("部门编码不能修改", errors={"code": "编码不能修改：信访事项、账号和待办按编码记录部门"})
    before = {name: getattr(row, name) for name in FIELDS}
    after = before | {name: clean_value(name, changes[name]) for name in FIELDS if name in changes}
    changed = [name for name in FIELDS if after[name] != before[name]]
    if not changed:
        return row
    errors = _check_department(session, code, before=before, after=after, departments=departments)
    if errors:
        raise Invalid("部门信息有误", errors=errors)
    for name in changed:
        setattr(row, name, after[name])
    record_change(
        session,
        action="department.updated",
        code=code,
        before=before,
        after=after,
        actor=actor,
        now=now,
        only=changed,
        refresh=refresh,
    )
    return row


def _check_department(
    session: Session,
    code: str,
    *,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    departments: Mapping[str, Department],
) -> dict[str, str]:
    errors = common_errors(after)
    same_name = next((d for d in departments.values() if d.name == after["name"] and d.code != code), None)
    if same_name is not None and "name" not in errors:
        errors["name"] = f"已有同名部门（{same_name.code}）"
    if after["kind"] not in KINDS:
        errors["kind"] = f"部门类型须为：{'、'.join(f'{k}（{v}）' for k, v in KINDS.items())}"
    if before.get("active") and not after["active"]:
        reason = FIXED.get(code) or _still_busy(session, code)
        if reason:
            errors["active"] = reason
    return errors


def _still_busy(session: Session, code: str) -> str | None:
    """Why `code` may not be deactivated yet: its open tasks, active accounts and the active
    categories routed to it by default, or None."""
    staff = select(User.username).where(User.department_code == code)
    tasks = session.scalar(
        select(func.count()).where(
            HumanTask.status == TASK_OPEN,
            or_(
                HumanTask.candidate_group.endswith(f"@{code}", autoescape=True), HumanTask.assignee.in_(staff)
            ),
        )
    )
    users = session.scalar(select(func.count()).where(User.department_code == code, User.active.is_(True)))
    categories = session.scalars(
        select(Category.name)
        .where(Category.default_department == code, Category.active.is_(True))
        .order_by(Category.sort_order)
    ).all()
    reasons = []
    if tasks:
        reasons.append(f"{tasks} 件未办结的待办（请先办结或改派）")
    if users:
        reasons.append(f"{users} 个启用的账号（请先停用或调整其所属部门）")
    if categories:
        shown = "、".join(categories[:5]) + (f"等 {len(categories)} 个" if len(categories) > 5 else "")
        reasons.append(f"分类“{shown}”以它为默认承办部门（请先改设）")
    return f"该部门还有{'；'.join(reasons)}，暂不能停用" if reasons else None
