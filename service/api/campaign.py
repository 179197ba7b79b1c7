"""专项行动: start a campaign, read it, and its dashboard. Its tasks are worked on through /api/v1/tasks."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import select

from service.api.context import current_user, services, session
from service.api.schemas.campaign import (
    CampaignCreateSchema,
    CampaignListSchema,
    CampaignSchema,
    CampaignViewSchema,
    DashboardSchema,
    view_parts,
)
from service.campaign import dashboard as dashboards
from service.campaign import service as campaigns
from service.campaign.vocabulary import business_key
from service.engine.models import TASK_OPEN, HumanTask
from service.identity.service import actor_for

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns", description="专项行动")


@blp.route("", methods=["GET"])
@blp.response(200, CampaignListSchema)
def list_all() -> dict[str, Any]:
    current_user()
    return {"items": campaigns.list_campaigns(session())}


@blp.route("", methods=["POST"])
@blp.arguments(CampaignCreateSchema)
@blp.response(201, CampaignSchema)
def start(body: dict[str, Any]) -> Any:
    user = current_user()
    group, phases = body["group"], body["phases"]
    spec = campaigns.CampaignSpec(
        title=body["title"],
        document_no=body.get("document_no"),
        phases={key: campaigns.PhaseDates(v["starts_on"], v["ends_on"]) for key, v in phases.items()},
        group=campaigns.LeadingGroup(**group),
    )
    app = services()
    with app.db.transaction() as tx:
        return campaigns.start_campaign(
            tx, runtime=app.runtime, clock=app.clock, actor=actor_for(user), role=user.role, spec=spec
        )


@blp.route("/<int:campaign_id>", methods=["GET"])
@blp.response(200)
def show(campaign_id: int) -> dict[str, Any]:
    current_user()
    view = campaigns.view_campaign(session(), campaign_id)
    tasks = (
        session()
        .scalars(
            select(HumanTask)
            .where(HumanTask.business_key == business_key(campaign_id), HumanTask.status == TASK_OPEN)
            .order_by(HumanTask.created_at)
        )
        .all()
    )
    result: dict[str, Any] = CampaignSchema().dump(view.campaign) | CampaignViewSchema().dump(
        view_parts(view, tasks)
    )
    return result


@blp.route("/<int:campaign_id>/dashboard", methods=["GET"])
@blp.response(200, DashboardSchema)
def dashboard(campaign_id: int) -> dashboards.Dashboard:
    current_user()
    return dashboards.build_dashboard(session(), campaign_id, now=services().clock.now())
