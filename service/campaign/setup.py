"""Plugs the campaign into the runtime: its projection, the checks on its forms, its option lists."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.campaign import lists
from service.campaign.models import Campaign
from service.campaign.projection import CampaignProjection
from service.campaign.service import members_with_role
from service.campaign.vocabulary import (
    FORM_IMPLEMENTATION,
    FORM_MOBILISATION,
    FORM_PLAN,
    FORM_SCREENING_REPORT,
    FORM_SCREENING_REVIEW,
    FORM_SUMMARY,
    campaign_id_of,
)
from service.clock import LOCAL_TZ
from service.db import Database
from service.engine.models import TASK_OPEN, HumanTask
from service.engine.runtime import Runtime
from service.identity.models import Department, User
from service.identity.roles import LEADER
from service.petitions.models import Petition
from service.petitions.vocabulary import CLOSED_STATUSES

CASE_CANDIDATES = 200


def install(runtime: Runtime, db: Database) -> None:
    runtime.add_listener(CampaignProjection())
    runtime.add_validator(FORM_PLAN, check_plan)
    runtime.add_validator(FORM_MOBILISATION, check_mobilisation)
    runtime.add_validator(FORM_IMPLEMENTATION, check_implementation)
    runtime.add_validator(FORM_SCREENING_REPORT, check_report)
    runtime.add_validator(FORM_SCREENING_REVIEW, check_review)
    runtime.add_validator(FORM_SUMMARY, check_summary)

    def school_leaders() -> list[tuple[str, str]]:
        with db.session() as session:
            rows = session.execute(
                select(User.username, User.display_name)
                .where(User.role == LEADER, User.active.is_(True))
                .order_by(User.id)
            )
            return [(username, name) for username, name in rows]

    def closed_petitions() -> list[tuple[str, str]]:
        with db.session() as session:
            rows = session.execute(
                select(Petition.id, Petition.tracking_code, Petition.title)
                .where(Petition.status.in_(CLOSED_STATUSES))
                .order_by(Petition.received_at.desc())
                .limit(CASE_CANDIDATES)
            )
            return [(str(pid), f"{code} {title}") for pid, code, title in rows]

    runtime.add_option_source("campaign_group_leaders", school_leaders)
    runtime.add_option_source("campaign_case_candidates", closed_petitions)


def _campaign(session: Session, row: HumanTask) -> Campaign | None:
    campaign_id = campaign_id_of(row.business_key)
    return session.get(Campaign, campaign_id) if campaign_id is not None else None


def _names(session: Session, usernames: list[str]) -> dict[str, str]:
    names = dict(
        session.execute(select(User.username, User.display_name).where(User.username.in_(usernames))).all()
    )
    return {username: names.get(username, username) for username in usernames}


def check_plan(session: Session, row: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    campaign = _campaign(session, row)
    if campaign is None or data.get("plan_approver") in members_with_role(session, campaign.id, "leader"):
        return {}
    return {"plan_approver": "方案须报领导小组组长审定"}


def check_mobilisation(session: Session, row: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    campaign = _campaign(session, row)
    presided = data.get("presided_by")
    if (
        campaign is None
        or not presided
        or presided in members_with_role(session, campaign.id, "leader", "deputy")
    ):
        return {}
    return {"presided_by": "主持动员部署的应为领导小组组长或副组长"}


def check_implementation(session: Session, row: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    """The phase may close only when every monthly screening task of it is done (none would be lost)."""
    open_tasks = session.scalars(
        select(HumanTask.title).where(
            HumanTask.instance_id == row.instance_id,
            HumanTask.status == TASK_OPEN,
            HumanTask.form_key.in_((FORM_SCREENING_REPORT, FORM_SCREENING_REVIEW)),
        )
    ).all()
    if not open_tasks:
        return {}
    return {"confirmed": f"尚有 {len(open_tasks)} 项月度排查任务未完成，完成后才能确认本阶段结束"}


def check_report(session: Session, row: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    found, resolved = data.get("disputes_found"), data.get("disputes_resolved")
    if isinstance(found, int) and isinstance(resolved, int) and resolved > found:
        return {"disputes_resolved": "已化解的件数不能多于排查出的件数"}
    return {}


def check_review(session: Session, row: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    campaign = _campaign(session, row)
    if campaign is None:
        return {}
    departments = dict(session.execute(select(Department.code, Department.name)).all())
    leaders = _names(session, members_with_role(session, campaign.id, "leader", "deputy"))
    _, errors = lists.parse_hot_issues(data.get("hot_issues"), departments, leaders)
    return {"hot_issues": lists.joined(errors)} if errors else {}


def check_summary(session: Session, row: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    campaign = _campaign(session, row)
    if campaign is None:
        return {}
    errors: dict[str, str] = {}
    departments = dict(session.execute(select(Department.code, Department.name)).all())
    _, problems = lists.parse_rectifications(data.get("rectification_list"), departments)
    if problems:
        errors["rectification_list"] = lists.joined(problems)
    since = datetime.combine(campaign.period_start, time(0), LOCAL_TZ)
    until = datetime.combine(campaign.period_end + timedelta(days=1), time(0), LOCAL_TZ)
    for value in data.get("typical_cases") or []:
        petition = session.get(Petition, int(value)) if str(value).isdigit() else None
        if petition is None or not since <= petition.received_at < until:
            errors["typical_cases"] = "典型案例应为专项行动期间受理并已办结的信访事项"
    return errors
