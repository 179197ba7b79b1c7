"""The business calendar: days, imported years and deadline rules (administrators change them)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime
from service.clock import to_local
from service.engine import holiday_import, holidays
from service.engine.calendar import UNITS
from service.engine.provisional import recompute_provisional_timers
from service.errors import Invalid
from service.identity.roles import ADMIN
from service.identity.service import actor_for

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="工作日历与期限规则")
DEFAULT_DAYS = 31


class DayQuerySchema(BaseSchema):
    start = fields.Date(data_key="from", metadata={"description": "起始日期（含），默认今天"})
    end = fields.Date(data_key="to", metadata={"description": "结束日期（含），默认起始日后 30 天"})


class DaySchema(BaseSchema):
    date = fields.Date()
    is_workday = fields.Boolean()
    kind = fields.String(metadata={"description": "workday | weekend | holiday | makeup_workday"})
    name = fields.String()
    source = fields.String(metadata={"description": "chinesecalendar | import | admin | weekend-only"})
    provisional = fields.Boolean(metadata={"description": "该年尚无放假安排，仅按周末计算"})


class DayListSchema(BaseSchema):
    items = fields.List(fields.Nested(DaySchema))


class DayOverrideSchema(BaseSchema):
    is_workday = fields.Boolean(required=True)
    name = fields.String(load_default="", validate=validate.Length(max=100))


class YearSchema(BaseSchema):
    year = fields.Integer()
    source = fields.String()
    papers = fields.List(fields.String())
    day_count = fields.Integer()
    imported_at = LocalDateTime()
    imported_by = fields.String()


class YearListSchema(BaseSchema):
    items = fields.List(fields.Nested(YearSchema))


class RecomputedSchema(BaseSchema):
    deadline_id = fields.Integer()
    instance_id = fields.String()
    task_id = fields.String(allow_none=True)
    rule = fields.String()
    before = LocalDateTime()
    computed = LocalDateTime()
    due_at = LocalDateTime()
    provisional = fields.Boolean()
    kept_earlier = fields.Boolean(metadata={"description": "新算出的日期更早，保留已告知的原日期"})


class ImportResultSchema(BaseSchema):
    year = fields.Integer()
    days = fields.Integer()
    replaced = fields.Boolean()
    kept_admin_days = fields.List(fields.Date())
    recomputed = fields.List(fields.Nested(RecomputedSchema))


class RuleSchema(BaseSchema):
    id = fields.String()
    title = fields.String()
    unit = fields.String()
    count = fields.Integer(allow_none=True)
    max_count = fields.Integer(allow_none=True)
    starts = fields.String()
    article = fields.String()


class RuleListSchema(BaseSchema):
    items = fields.List(fields.Nested(RuleSchema))


class RuleChangeSchema(BaseSchema):
    unit = fields.String(validate=validate.OneOf(UNITS, error="计算单位须为 calendar_day 或 workday"))
    count = fields.Integer(allow_none=True, strict=True)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("日期格式不正确", errors={"date": f"{text} 不是 YYYY-MM-DD 日期"}) from None


@blp.route("/days", methods=["GET"])
@blp.arguments(DayQuerySchema, location="query")
@blp.response(200, DayListSchema)
def list_days(query: dict[str, Any]) -> dict[str, Any]:
    current_user()
    app = services()
    start = query.get("start") or to_local(app.clock.now()).date()
    end = query.get("end") or start + timedelta(days=DEFAULT_DAYS - 1)
    return {"items": holidays.list_days(session(), app.calendar.current(), start, end)}


@blp.route("/days/<day>", methods=["PUT"])
@caller_first(require_role, ADMIN)
@blp.arguments(DayOverrideSchema)
@blp.response(200, DaySchema)
def override_day(body: dict[str, Any], day: str) -> dict[str, Any]:
    user = require_role(ADMIN)
    app, when = services(), _day(day)
    change = holidays.DayOverride(day=when, is_workday=body["is_workday"], name=body["name"].strip())
    with app.db.transaction() as tx:
        holidays.set_override(tx, change, actor=user.username, now=app.clock.now())
    app.calendar.invalidate()
    return holidays.list_days(session(), app.calendar.current(), when, when)[0]


@blp.route("/days/<day>", methods=["DELETE"])
@blp.response(204)
def remove_day_override(day: str) -> None:
    user = require_role(ADMIN)
    app, when = services(), _day(day)
    with app.db.transaction() as tx:
        holidays.remove_override(tx, when, actor=user.username, now=app.clock.now())
    app.calendar.invalidate()


@blp.route("/years", methods=["GET"])
@blp.response(200, YearListSchema)
def list_years() -> dict[str, Any]:
    current_user()
    return {
        "items": session().scalars(select(holidays.CalendarYear).order_by(holidays.CalendarYear.year)).all()
    }


@blp.route("/years", methods=["POST"])
@blp.response(201, ImportResultSchema)
def import_year() -> Any:
    """Import a year's arrangement (holiday-cn JSON as the body, or a multipart `file`)."""
    user = require_role(ADMIN)
    upload = request.files.get("file")
    arrangement = holiday_import.parse_arrangement_text(upload.read() if upload else request.get_data())
    app = services()
    with app.db.transaction() as tx:
        result = holiday_import.import_year(
            tx, arrangement, rules_path=app.calendar.rules_path, actor=user.username, now=app.clock.now()
        )
    app.calendar.invalidate()
    recompute_provisional_timers(app.runtime, actor=actor_for(user))
    return result, 200 if result.replaced else 201


@blp.route("/rules", methods=["GET"])
@blp.response(200, RuleListSchema)
def list_rules() -> dict[str, Any]:
    current_user()
    return {"items": holidays.list_rules(session(), services().calendar.rules_path)}


@blp.route("/rules/<rule_id>", methods=["PATCH"])
@caller_first(require_role, ADMIN)
@blp.arguments(RuleChangeSchema)
@blp.response(200, RuleSchema)
def update_rule(body: dict[str, Any], rule_id: str) -> Any:
    user = require_role(ADMIN)
    app = services()
    with app.db.transaction() as tx:
        rule = holidays.update_rule(
            tx, rule_id, body, rules_path=app.calendar.rules_path, actor=user.username, now=app.clock.now()
        )
    app.calendar.invalidate()
    return rule
