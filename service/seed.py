"""Reference data (departments, categories) and the demo users of API.md."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.identity.models import Department, User
from service.identity.service import create_user
from service.petitions.models import Category

TAXONOMY = Path(__file__).resolve().parent / "petitions" / "taxonomy.json"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password, seeded only into an empty database
DEMO_USERS = (
    ("registrar", "registrar", "office", "登记员小王"),
    ("assessor", "assessor", "office", "研判员小李"),
    ("supervisor", "supervisor", "office", "督办员老张"),
    ("logistics_handler", "handler", "logistics", "后勤处承办人"),
    ("logistics_head", "head", "logistics", "后勤处处长"),
    ("academic_handler", "handler", "academic", "教务处承办人"),
    ("academic_head", "head", "academic", "教务处处长"),
    ("leader", "leader", None, "王建国"),  # 分管信访工作的校领导
    ("admin", "admin", None, "流程管理员"),
    ("auditor", "auditor", None, "审计员"),
    # Beyond API.md's table: 举报 and restricted matters go only to the discipline office (art. 31),
    # so a demo one can run its course.
    ("discipline_handler", "handler", "discipline", "纪委办公室承办人"),
    ("discipline_head", "head", "discipline", "纪委办公室负责人"),
)


def seed_reference_data(session: Session) -> int:
    """Insert the shipped departments and categories that are missing; never overwrite edits."""
    taxonomy = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    added = 0
    for order, item in enumerate(taxonomy["departments"]):
        if session.get(Department, item["code"]) is None:
            session.add(
                Department(
                    code=item["code"], name=item["name"], kind=item["kind"], active=True, sort_order=order
                )
            )
            added += 1
    session.flush()
    for order, item in enumerate(taxonomy["categories"]):
        added += _add_category(session, item, None, None, order * 100)
    session.flush()
    return added


def _add_category(
    session: Session, item: dict[str, Any], parent: str | None, parent_department: str | None, order: int
) -> int:
    added = 0
    department = item.get("department", parent_department)
    if session.get(Category, item["code"]) is None:
        session.add(
            Category(
                code=item["code"],
                name=item["name"],
                parent_code=parent,
                default_department=department,
                restricted=item.get("restricted", False),
                focus_tag=item.get("focus_tag"),
                active=True,
                sort_order=order,
            )
        )
        session.flush()
        added += 1
    for index, child in enumerate(item.get("children", [])):
        added += _add_category(session, child, item["code"], department, order + index + 1)
    return added


def seed_demo_users(session: Session, now: datetime) -> int:
    """The demo users (API.md's, and the discipline office's), only when there are no users at all."""
    if session.scalar(select(func.count()).select_from(User)):
        return 0
    for username, role, department, name in DEMO_USERS:
        create_user(
            session,
            username=username,
            role=role,
            department=department,
            password=DEMO_PASSWORD,
            display_name=name,
            now=now,
        )
    return len(DEMO_USERS)
