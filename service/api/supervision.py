"""Supervision (督办): a supervisor's own decision to supervise, and the list of supervisions."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime
from service.identity.roles import AUDITOR, LEADER, OFFICE_ROLES, SUPERVISOR
from service.identity.service import actor_for
from service.petitions import service as petitions
from service.petitions import supervision
from service.petitions.access import Viewer

blp = Blueprint("supervision", __name__, url_prefix="/api/v1", description="督办")


class SuperviseSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))


class SupervisionSchema(BaseSchema):
    id = fields.Integer()
    petition_id = fields.Integer()
    instance_id = fields.String()
    trigger = fields.String()
    reason = fields.String()
    level = fields.String(allow_none=True)
    status = fields.String()
    stage = fields.String(allow_none=True)
    started_by = fields.String()
    started_at = LocalDateTime()
    escalated_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)


class SupervisionListSchema(BaseSchema):
    items = fields.List(fields.Nested(SupervisionSchema))


class SupervisionQuerySchema(BaseSchema):
    status = fields.String(validate=validate.OneOf([supervision.OPEN, supervision.CLOSED]))
    petition_id = fields.Integer()


@blp.route("/petitions/<int:petition_id>/supervision", methods=["POST"])
@caller_first(require_role, SUPERVISOR)
@blp.arguments(SuperviseSchema)
@blp.response(201, SupervisionSchema)
def supervise(body: dict[str, Any], petition_id: int) -> Any:
    user = require_role(SUPERVISOR)
    app = services()
    with app.db.transaction() as tx:
        petition = petitions.get_visible(tx, Viewer.of(user), petition_id)
        supervision.start_supervision(
            tx,
            runtime=app.runtime,
            petition=petition,
            actor=actor_for(user),
            trigger="manual",
            reason=body["reason"],
        )
        return supervision.open_supervision(tx, petition_id)


@blp.route("/supervisions", methods=["GET"])
@blp.arguments(SupervisionQuerySchema, location="query")
@blp.response(200, SupervisionListSchema)
def list_supervisions(query: dict[str, Any]) -> dict[str, Any]:
    user = current_user()
    if user.role not in (*OFFICE_ROLES, LEADER, AUDITOR):
        require_role(*OFFICE_ROLES, LEADER, AUDITOR)
    return {
        "items": supervision.list_supervisions(
            session(), petition_id=query.get("petition_id"), status=query.get("status")
        )
    }
