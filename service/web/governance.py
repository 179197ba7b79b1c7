"""源头治理 pages: the dashboard (numbers with charts, hot issues, governance items) and its Excel
exports. Charts are drawn by ECharts (npm package `echarts`, installed by `make web`), served from
node_modules by this blueprint; the page's data travels as JSON in a non-executed script element."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from service.audit import reads
from service.clock import to_local
from service.config import PROJECT_ROOT
from service.errors import Conflict, DomainError, Forbidden, Invalid
from service.governance import access, metrics
from service.governance import service as items
from service.governance.export import XLSX, hot_issues_workbook, items_workbook, metrics_workbook
from service.governance.hot_issues import find_hot_issues
from service.governance.periods import KINDS, Period, period_from
from service.governance.vocabulary import ITEM_STATUSES
from service.identity.roles import ROLE_LABELS, group_label
from service.identity.service import display_names
from service.petitions.service import department_names
from service.web import context
from service.web.context import db, services

blp = Blueprint(
    "governance",
    __name__,
    url_prefix="/work/governance",
    template_folder="governance_templates",
    static_folder="governance_static",
    static_url_path="/static",
)
context.require_login(blp)
ECHARTS = PROJECT_ROOT / "node_modules" / "echarts" / "dist" / "echarts.min.js"


def _period() -> Period:
    kind = request.args.get("kind", "month")
    if kind not in KINDS:
        kind = "month"
    start, end = request.args.get("start"), request.args.get("end")
    first = _day(start, "start") if start else to_local(services().clock.now()).date()
    return period_from(kind, first, _day(end, "end") if end else None)


_DATE_NAMES = {"start": "开始日期", "end": "结束日期"}


def _day(text: str, field: str) -> date:
    """A date typed in the address or a form: Invalid (422) unless it reads YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"{_DATE_NAMES[field]}格式有误，应为 YYYY-MM-DD"
        raise Invalid(message, errors={field: message}) from None


def _scope() -> str | None:
    return access.department_scope(context.current_user(), request.args.get("department") or None)


@blp.get("")
def dashboard() -> str:
    period, department = _period(), _scope()
    now = services().clock.now()
    report = metrics.report(db(), period, now=now, department=department)
    issues = [
        i.seen_by(context.viewer()) for i in find_hot_issues(db(), period, department=department, limit=15)
    ]
    found = items.list_items(db(), department=department, open_only=True)
    chart = {
        "departments": [
            [r["label"], r["registered"], r["closed"]] for r in report["breakdowns"]["department"][:12]
        ],
        "channels": [{"name": r["label"], "value": r["registered"]} for r in report["breakdowns"]["channel"]],
        "issues": [{"name": i["title"], "trend": i["trend"], "hot": i["hot"]} for i in issues[:5]],
    }
    return render_template(
        "governance/dashboard.html",
        period=period,
        department=department,
        report=report,
        labels=metrics.METRIC_LABELS,
        definitions=metrics.METRIC_DEFINITIONS,
        rates=metrics.RATES,
        issues=issues,
        items=found,
        people=items.people_names(db(), found),
        item_statuses=ITEM_STATUSES,
        departments=department_names(db()),
        chart=chart,
        may_open=context.current_user().role in access.MAY_OPEN_ITEMS,
        query=request.args.to_dict(),
    )


@blp.post("/items")
def open_from_hot_issue() -> WerkzeugResponse:
    """Turn a hot issue into a governance item (office staff and leaders)."""
    user = context.current_user()
    if user.role not in access.MAY_OPEN_ITEMS:
        allowed = "、".join(label for role, label in ROLE_LABELS.items() if role in access.MAY_OPEN_ITEMS)
        raise Forbidden(f"只有{allowed}可以将热点问题转为治理事项")
    form = request.form
    period = period_from(form.get("kind", "month"), _day(form.get("start", ""), "start"), None)
    app = services()
    try:
        with app.db.transaction() as tx:
            issue = next(
                (i for i in find_hot_issues(tx, period, limit=100) if i.key == form.get("key")), None
            )
            if issue is None:
                raise Conflict("该热点问题已不在本期统计中")
            opening = items.Opening(
                title=issue.title,
                source="hot_issue",
                category=issue.category,
                keywords=issue.keywords,
                department=issue.department,
                petition_ids=issue.petition_ids,
                description=f"{period.label()}热点问题：{issue.size}件",
            )
            item = items.open_item(tx, runtime=app.runtime, actor=context.actor(), opening=opening)
            flash(f"已立项：源头治理事项 {item.id}{_next_step(tx, item.id)}", "success")
    except DomainError as error:
        flash(error.detail, "error")
    return redirect(url_for("web.governance.dashboard", kind=period.kind, start=period.first_day.isoformat()))


def _next_step(session: Session, item_id: int) -> str:
    """Who takes the new item's next step (明确责任) as the process assigns it: the office's
    supervisors, who are often not the leader or assessor that opened it."""
    task = next(iter(items.open_tasks(session, item_id)), None)
    if task is None:
        return ""
    if context.actor().may_work_on(task.candidate_group, task.assignee):
        return f"，下一步「{task.title}」已在您的待办中"
    if task.assignee:
        who = display_names(session, {task.assignee}).get(task.assignee, task.assignee)
    else:
        who = group_label(task.candidate_group, department_names(session))
    return f"，下一步「{task.title}」由{who}办理"


@blp.get("/export/<any(metrics, hot_issues, items):table>.xlsx")
def export(table: str) -> Response:
    period, department = _period(), _scope()
    if table == "metrics":
        content = metrics_workbook(
            metrics.report(db(), period, now=services().clock.now(), department=department)
        )
    elif table == "hot_issues":
        content = hot_issues_workbook(
            [i.seen_by(context.viewer()) for i in find_hot_issues(db(), period, department=department)]
        )
    else:
        found = items.list_items(db(), department=department)
        content = items_workbook(
            found,
            department_names(db()),
            items.linked_counts(db(), [i.id for i in found]),
            items.people_names(db(), found),
        )
    _record_export(table, period, department)
    return Response(
        content, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{table}.xlsx"'}
    )


# The exports' names on the access log, as the API's (/api/v1/analytics/…) are named.
_EXPORTS = {"metrics": "analytics.metrics", "hot_issues": "analytics.hot_issues", "items": "governance.items"}


def _record_export(table: str, period: Period, department: str | None) -> None:
    filters: dict[str, Any] = {"department": department}
    if table != "items":  # the list of items is not by period
        filters["period"] = period.as_dict()
    app = services()
    reads.record_export(
        app.db,
        actor=context.current_user().username,
        export=_EXPORTS[table],
        fmt="xlsx",
        filters=filters,
        now=app.clock.now(),
    )


@blp.get("/echarts.min.js")
def echarts() -> Any:
    if not ECHARTS.exists():
        abort(404)
    return send_file(ECHARTS, mimetype="text/javascript", max_age=86400)
