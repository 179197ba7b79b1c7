"""Timers and incidents, for process administrators (and read-only for the office and auditors)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from service.api.context import caller_first, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime
from service.engine.models import TIMER_INCIDENT, Timer
from service.engine.sweeper import retry_incident
from service.identity.roles import ADMIN, AUDITOR, SUPERVISOR

blp = Blueprint("timers", __name__, url_prefix="/api/v1", description="定时器与异常")
READERS = (ADMIN, AUDITOR, SUPERVISOR)


class TimerSchema(BaseSchema):
    id = fields.Integer()
    instance_id = fields.String()
    business_key = fields.String(allow_none=True)
    element_id = fields.String()
    kind = fields.String()
    due_at = LocalDateTime()
    status = fields.String()
    attempts = fields.Integer()
    retry_at = LocalDateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    fired_count = fields.Integer()


class TimerListSchema(BaseSchema):
    items = fields.List(fields.Nested(TimerSchema))


class TimerQuerySchema(BaseSchema):
    status = fields.String(validate=validate.OneOf(["pending", "fired", "cancelled", "incident"]))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


@blp.route("/timers", methods=["GET"])
@caller_first(require_role, *READERS)
@blp.arguments(TimerQuerySchema, location="query")
@blp.response(200, TimerListSchema)
def list_timers(query: dict[str, Any]) -> dict[str, Any]:
    require_role(*READERS)
    statement = select(Timer).order_by(Timer.due_at).limit(query["limit"])
    if query.get("status"):
        statement = statement.where(Timer.status == query["status"])
    return {"items": session().scalars(statement).all()}


@blp.route("/incidents", methods=["GET"])
@blp.response(200, TimerListSchema)
def list_incidents() -> dict[str, Any]:
    require_role(*READERS)
    return {
        "items": session()
        .scalars(select(Timer).where(Timer.status == TIMER_INCIDENT).order_by(Timer.updated_at.desc()))
        .all()
    }


@blp.route("/incidents/<int:timer_id>/retry", methods=["POST"])
@blp.response(200, TimerSchema)
def retry(timer_id: int) -> Any:
    require_role(ADMIN)
    app = services()
    with app.db.transaction() as tx:
        return retry_incident(tx, timer_id, app.clock.now())
