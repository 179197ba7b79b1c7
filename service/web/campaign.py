"""专项行动 pages: the campaigns, starting one (the leading group's office), and its dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from service.campaign import dashboard as dashboards
from service.campaign import service as campaigns
from service.campaign.vocabulary import CAMPAIGN_STATUSES, MEMBER_DUTIES, MEMBER_ROLES, PHASE_STATUSES, PHASES
from service.engine.models import HumanTask
from service.errors import Forbidden, Invalid
from service.governance.vocabulary import ITEM_STATUSES as GOVERNANCE_STATUSES
from service.identity.models import User
from service.identity.roles import LEADER, group_label
from service.identity.service import list_departments
from service.petitions import service as petitions
from service.petitions import tasks as task_service
from service.web import context
from service.web.context import db, services
from service.web.present import due_mark
from service.web.queries import petitions_by_id

blp = Blueprint("campaign", __name__, url_prefix="/work/campaigns")
context.require_login(blp)


def _people() -> dict[str, list[tuple[str, str]]]:
    users = db().execute(
        select(User.username, User.display_name, User.role).where(User.active.is_(True)).order_by(User.id)
    )
    everyone = [(u, n, r) for u, n, r in users]
    return {
        "leaders": [(u, n) for u, n, r in everyone if r == LEADER],
        "everyone": [(u, f"{n}（{u}）") for u, n, _ in everyone],
    }


def _form(values: MultiDict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    departments = [(d.code, d.name) for d in list_departments(db())]
    return {
        "values": values,
        "errors": errors,
        "people": _people(),
        "departments": departments,
        "phases": PHASES,
    }


@blp.get("")
def index() -> str:
    user = context.current_user()
    defaults = MultiDict({"office_department": "office"})
    return render_template(
        "campaign/index.html",
        campaigns=campaigns.list_campaigns(db()),
        statuses=CAMPAIGN_STATUSES,
        may_start=campaigns.may_run_campaigns(user.role),
        **_form(defaults, {}),
    )


@blp.post("")
def start() -> Response | tuple[str, int]:
    user, form = context.current_user(), request.form
    try:
        spec = _spec(form)
        app = services()
        with app.db.transaction() as tx:
            campaign = campaigns.start_campaign(
                tx, runtime=app.runtime, clock=app.clock, actor=context.actor(), role=user.role, spec=spec
            )
            campaign_id = campaign.id
    except Invalid as error:
        errors = {k: str(v) for k, v in error.errors.items()} or {"_": error.detail}
        page = render_template(
            "campaign/index.html",
            campaigns=campaigns.list_campaigns(db()),
            statuses=CAMPAIGN_STATUSES,
            may_start=True,
            **_form(form, errors),
        )
        return page, 422
    flash("专项行动已启动，制定方案任务已派给领导小组办公室", "success")
    return redirect(url_for("web.campaign.show", campaign_id=campaign_id))


def _spec(form: MultiDict[str, str]) -> campaigns.CampaignSpec:
    errors: dict[str, str] = {}
    phases: dict[str, campaigns.PhaseDates] = {}
    for key, name in PHASES.items():
        try:
            phases[key] = campaigns.PhaseDates(
                date.fromisoformat(form.get(f"{key}_starts_on", "")),
                date.fromisoformat(form.get(f"{key}_ends_on", "")),
            )
        except ValueError:
            errors[f"phases.{key}"] = f"请填写{name}阶段的起止日期"
    if errors:
        raise Invalid("专项行动信息有误", errors=errors)
    members = form.getlist("members")
    return campaigns.CampaignSpec(
        title=form.get("title", ""),
        document_no=form.get("document_no") or None,
        phases=phases,
        group=campaigns.LeadingGroup(
            leaders=form.getlist("leaders"),
            deputies=form.getlist("deputies"),
            office_department=form.get("office_department") or "office",
            office_director=form.get("office_director", ""),
            members=members or None,
        ),
    )


@blp.get("/<int:campaign_id>")
def show(campaign_id: int) -> str:
    now = services().clock.now()
    board = dashboards.build_dashboard(db(), campaign_id, now=now)
    departments = petitions.department_names(db())
    names = dict(db().execute(select(User.username, User.display_name)).all())
    return render_template(
        "campaign/show.html",
        board=board,
        openable=_openable(board.open_tasks),
        campaign=board.view.campaign,
        departments=departments,
        names=names,
        statuses=CAMPAIGN_STATUSES,
        phase_statuses=PHASE_STATUSES,
        member_roles=MEMBER_ROLES,
        member_duties=MEMBER_DUTIES,
        due_mark=lambda at: due_mark(at, now),
        group_label=lambda group: group_label(group, departments),
        typical=petitions_of(board.view.typical_cases),
        governance_statuses=GOVERNANCE_STATUSES,
    )


def _openable(tasks: list[HumanTask]) -> set[str]:
    """The tasks the viewer may open (the rest are listed without a link that would say 403)."""
    user, openable = context.current_user(), set()
    for task in tasks:
        try:
            task_service.get_task(db(), user, task.id)
        except Forbidden:
            continue
        openable.add(task.id)
    return openable


def petitions_of(cases: list[Any]) -> dict[int, Any]:
    return petitions_by_id(db(), (c.petition_id for c in cases))
