"""Analytics: the metrics of any period, hot issues, stored snapshots, Excel exports and the monthly
report. Departments see only their own numbers (service/governance/access.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import fields, validate

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime
from service.api.schemas.governance import ReportSchema
from service.audit import reads
from service.clock import to_local
from service.governance import access, metrics, report, snapshots
from service.governance.export import XLSX, hot_issues_workbook, metrics_workbook
from service.governance.hot_issues import find_hot_issues
from service.governance.periods import KINDS, Period, period_from
from service.petitions.access import Viewer

blp = Blueprint("analytics", __name__, url_prefix="/api/v1/analytics", description="统计分析与热点问题")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class PeriodQuerySchema(BaseSchema):
    kind = fields.String(load_default="month", validate=validate.OneOf(KINDS))
    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)
    department = fields.String(load_default=None)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SnapshotSummarySchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    computed_at = LocalDateTime()


class SnapshotSchema(SnapshotSummarySchema):
    data = fields.Dict()


class SnapshotListSchema(BaseSchema):
    items = fields.List(fields.Nested(SnapshotSummarySchema))


class SnapshotQuerySchema(BaseSchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(["week", "month"]))


class MonthQuerySchema(BaseSchema):
    month = fields.Date(required=True)


class SnapshotRequestSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(["week", "month"]))
    start = fields.Date(required=True)


def _period(query: dict[str, Any]) -> Period:
    start = query.get("start") or to_local(services().clock.now()).date()  # the school's own day
    return period_from(query["kind"], start, query.get("end"))


@blp.route("/metrics", methods=["GET"])
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, ReportSchema)
def get_metrics(query: dict[str, Any]) -> dict[str, Any]:
    """Totals, breakdowns by department/category/channel/request type, previous period and change."""
    department = access.department_scope(current_user(), query.get("department"))
    return metrics.report(session(), _period(query), now=services().clock.now(), department=department)


@blp.route("/metrics.xlsx", methods=["GET"])
@blp.arguments(PeriodQuerySchema, location="query")
def export_metrics(query: dict[str, Any]) -> Response:
    department = access.department_scope(current_user(), query.get("department"))
    period = _period(query)
    data = metrics.report(session(), period, now=services().clock.now(), department=department)
    content = metrics_workbook(data)
    _record_export("analytics.metrics", "xlsx", period=period.as_dict(), department=department)
    return _download(content, XLSX, "metrics.xlsx")


@blp.route("/hot-issues", methods=["GET"])
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, ReportSchema)
def hot_issues(query: dict[str, Any]) -> dict[str, Any]:
    """Clusters of similar petitions: size, trend, keywords, category, examples; hot ones first."""
    department = access.department_scope(current_user(), query.get("department"))
    period = _period(query)
    found = find_hot_issues(session(), period, department=department, limit=query["limit"])
    viewer = Viewer.of(current_user())
    return {"period": period.as_dict(), "department": department, "items": [i.seen_by(viewer) for i in found]}


@blp.route("/hot-issues.xlsx", methods=["GET"])
@blp.arguments(PeriodQuerySchema, location="query")
def export_hot_issues(query: dict[str, Any]) -> Response:
    department = access.department_scope(current_user(), query.get("department"))
    period = _period(query)
    found = find_hot_issues(session(), period, department=department, limit=query["limit"])
    viewer = Viewer.of(current_user())
    content = hot_issues_workbook([i.seen_by(viewer) for i in found])
    filters = {"period": period.as_dict(), "department": department, "limit": query["limit"]}
    _record_export("analytics.hot_issues", "xlsx", **filters)
    return _download(content, XLSX, "hot-issues.xlsx")


@blp.route("/snapshots", methods=["GET"])
@blp.arguments(SnapshotQuerySchema, location="query")
@blp.response(200, SnapshotListSchema)
def list_snapshots(query: dict[str, Any]) -> dict[str, Any]:
    access.require_whole_school(current_user())
    return {"items": snapshots.list_snapshots(session(), kind=query.get("kind"))}


@blp.route("/snapshots/<int:snapshot_id>", methods=["GET"])
@blp.response(200, SnapshotSchema)
def get_snapshot(snapshot_id: int) -> Any:
    access.require_whole_school(current_user())
    return snapshots.get_snapshot(session(), snapshot_id)


@blp.route("/snapshots", methods=["POST"])
@caller_first(require_role, *access.MAY_SNAPSHOT)
@blp.arguments(SnapshotRequestSchema)
@blp.response(201, SnapshotSchema)
def take_snapshot(body: dict[str, Any]) -> Any:
    require_role(*access.MAY_SNAPSHOT)
    app = services()
    with app.db.transaction() as tx:
        return snapshots.take_snapshot(tx, period_from(body["kind"], body["start"]), now=app.clock.now())


@blp.route("/monthly-report.docx", methods=["GET"])
@blp.arguments(MonthQuerySchema, location="query")
def monthly_report(query: dict[str, Any]) -> Response:
    """The month's report (numbers, hot issues, governance items) as a Word document."""
    access.require_whole_school(current_user())
    month: date = query["month"]
    content = report.monthly_report(session(), month, now=services().clock.now())
    _record_export("analytics.monthly_report", "docx", month=f"{month:%Y-%m}")
    return _download(content, DOCX, f"monthly-report-{month:%Y-%m}.docx")


def _record_export(export: str, fmt: str, **filters: Any) -> None:
    app = services()
    reads.record_export(
        app.db, actor=current_user().username, export=export, fmt=fmt, filters=filters, now=app.clock.now()
    )


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
