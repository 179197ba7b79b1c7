"""Plugs the governance domain into the runtime: its listener, form checks and option lists."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.clock import LOCAL_TZ
from service.db import Database
from service.engine.models import HumanTask
from service.engine.runtime import Runtime
from service.governance.projection import GovernanceProjection
from service.identity.models import Department, User
from service.identity.roles import HANDLER, HEAD, LEADER

Choices = list[tuple[str, str]]


def install(runtime: Runtime, db: Database) -> None:
    runtime.add_listener(GovernanceProjection(runtime))
    runtime.add_option_source("governance_leaders", lambda: _people(db, (LEADER,)))
    runtime.add_option_source("governance_people", lambda: _people(db, (HEAD, HANDLER)))
    runtime.add_validator(
        "gov_assign", lambda session, task, data: check_assignment(session, task, data, runtime)
    )


def _people(db: Database, roles: tuple[str, ...]) -> Choices:
    with db.session() as session:
        rows = session.execute(
            select(User.username, User.display_name, Department.name)
            .outerjoin(Department, Department.code == User.department_code)
            .where(User.role.in_(roles), User.active.is_(True))
            .order_by(User.department_code, User.username)
        ).all()
    return [
        (username, f"{name}（{department}）" if department else name) for username, name, department in rows
    ]


def check_assignment(
    session: Session, task: HumanTask, data: Mapping[str, object], runtime: Runtime
) -> dict[str, str]:
    """The responsible person works in the responsible department; the deadline is not in the past."""
    errors: dict[str, str] = {}
    person = session.scalar(select(User).where(User.username == data.get("responsible_person")))
    if person is not None and person.department_code != data.get("department"):
        errors["responsible_person"] = "责任人应属于责任部门"
    try:
        due = date.fromisoformat(str(data.get("due_on")))
    except ValueError:
        return {**errors, "due_on": "日期格式应为 YYYY-MM-DD"}
    if due < runtime.clock.now().astimezone(LOCAL_TZ).date():
        errors["due_on"] = "解决时限不能早于今天"
    return errors
