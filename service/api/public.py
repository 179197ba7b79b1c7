"""The public side: submit online, query by tracking code, evaluate. No login; rate-limited."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint

from service.api.context import services, session
from service.api.schemas.petitions import (
    EvaluationSchema,
    PublicCreatedSchema,
    PublicPetitionCreateSchema,
    PublicStatusSchema,
    ReviewRequestSchema,
)
from service.engine.commands import Actor
from service.petitions import public, review
from service.petitions import service as petitions
from service.ratelimit import EXTENSION_KEY, RateLimiter

blp = Blueprint("public", __name__, url_prefix="/api/v1/public", description="公众服务（无需登录）")


def hit_client() -> None:
    """Count one request of this client (its address) against the shared public budget."""
    limiter: RateLimiter | None = current_app.extensions.get(EXTENSION_KEY)
    if limiter is None:
        limiter = RateLimiter(lambda: services().settings.public_rate_limit)
        current_app.extensions[EXTENSION_KEY] = limiter
    limiter.hit(request.remote_addr or "unknown")


@blp.route("/petitions", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(PublicPetitionCreateSchema)
@blp.response(201, PublicCreatedSchema)
def submit(body: dict[str, Any]) -> Any:
    hit_client()
    # An online submission is received when it reaches the server: a submitter cannot start the
    # statutory clocks at a moment of their choosing.
    body.pop("received_at", None)
    app = services()
    with app.db.transaction() as tx:
        petition = petitions.register_petition(
            tx,
            runtime=app.runtime,
            clock=app.clock,
            sealer=app.sealer,
            actor=Actor(username=petitions.PUBLIC_ACTOR),
            registration=petitions.Registration(channel="online", **body),
        )
    return {"tracking_code": petition.tracking_code}


def _view(tracking_code: str) -> dict[str, Any]:
    app = services()
    petition = petitions.find_by_code(session(), tracking_code)
    window = review.review_window(session(), app.calendar.current(), petition, app.clock.now())
    return public.public_view(session(), petition, review=window.as_dict())


@blp.route("/petitions/<tracking_code>", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, PublicStatusSchema)
def status(tracking_code: str) -> dict[str, Any]:
    hit_client()
    return _view(tracking_code)


@blp.route("/petitions/<tracking_code>/review", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(ReviewRequestSchema)
@blp.response(201, PublicStatusSchema)
def request_review(body: dict[str, Any], tracking_code: str) -> Any:
    """Ask for 复查 (within 30 days of the reply) or 复核 (within 30 days of the 复查 opinion)."""
    hit_client()
    app = services()
    with app.db.transaction() as tx:
        petition = petitions.find_by_code(tx, tracking_code)
        review.request_review(
            tx,
            runtime=app.runtime,
            petition=petition,
            via="public",
            reason=body["reason"],
            actor=Actor(username=petitions.PETITIONER_ACTOR),
        )
    return _view(tracking_code)


@blp.route("/petitions/<tracking_code>/evaluation", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(EvaluationSchema)
@blp.response(200, PublicStatusSchema)
def evaluate(body: dict[str, Any], tracking_code: str) -> dict[str, Any]:
    hit_client()
    app = services()
    with app.db.transaction() as tx:
        petition = petitions.find_by_code(tx, tracking_code)
        public.evaluate(
            tx,
            runtime=app.runtime,
            petition=petition,
            satisfaction=body["satisfaction"],
            comment=body.get("comment"),
            resolved=body.get("resolved"),
        )
    return _view(tracking_code)
