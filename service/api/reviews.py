"""复查/复核 requests registered by the office, and the list of a petition's reviews."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime
from service.api.schemas.petitions import ReviewRequestSchema, ReviewWindowSchema
from service.identity.roles import ASSESSOR, REGISTRAR
from service.identity.service import actor_for
from service.petitions import review
from service.petitions import service as petitions
from service.petitions.access import Viewer

blp = Blueprint("reviews", __name__, url_prefix="/api/v1/petitions", description="复查与复核")


class ReviewSchema(BaseSchema):
    id = fields.Integer()
    level = fields.String()
    requested_at = LocalDateTime()
    requested_via = fields.String()
    reason = fields.String()
    review_body = fields.String(allow_none=True)
    hearing_days = fields.Integer()
    decision = fields.String(allow_none=True)
    opinion = fields.String(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    final = fields.Boolean()


class ReviewListSchema(BaseSchema):
    items = fields.List(fields.Nested(ReviewSchema))
    window = fields.Nested(ReviewWindowSchema)


def _reviews(petition_id: int) -> dict[str, Any]:
    app = services()
    petition = petitions.get_visible(session(), Viewer.of(current_user()), petition_id)
    window = review.review_window(session(), app.calendar.current(), petition, app.clock.now())
    return {"items": review.reviews_of(session(), petition_id), "window": window.as_dict()}


@blp.route("/<int:petition_id>/reviews", methods=["GET"])
@blp.response(200, ReviewListSchema)
def list_reviews(petition_id: int) -> dict[str, Any]:
    return _reviews(petition_id)


@blp.route("/<int:petition_id>/reviews", methods=["POST"])
@caller_first(require_role, REGISTRAR, ASSESSOR)
@blp.arguments(ReviewRequestSchema)
@blp.response(201, ReviewListSchema)
def request_review(body: dict[str, Any], petition_id: int) -> dict[str, Any]:
    user = require_role(REGISTRAR, ASSESSOR)
    app = services()
    with app.db.transaction() as tx:
        petition = petitions.get_visible(tx, Viewer.of(user), petition_id)
        review.request_review(
            tx,
            runtime=app.runtime,
            petition=petition,
            actor=actor_for(user),
            via="office",
            reason=body["reason"],
        )
    return _reviews(petition_id)
