"""The monthly report (月度信访工作报告) as a Word document: numbers with the change against the
previous month, the departments, hot issues and governance items — compiled by the system."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.documents.render import set_chinese_font
from service.governance import metrics
from service.governance.hot_issues import find_hot_issues
from service.governance.models import GovernanceItem
from service.governance.periods import checked_day, month_of
from service.governance.vocabulary import ITEM_STATUSES

ROWS = (
    "registered",
    "closed",
    "timely_acceptance_rate",
    "on_time_completion_rate",
    "satisfaction_rate",
    "rating_rate",
    "response_rate",
    "resolution_rate",
    "satisfied_rate",
    "repeat_rate",
    "return_rate",
    "overdue",
    "supervised",
    "average_handling_days",
    "direct_answer_rate",
)


def _show(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in metrics.RATES:
        return f"{value * 100:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _change(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in metrics.RATES:
        return f"{value * 100:+.1f}个百分点"
    return f"{value:+g}"


def _table(document: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def monthly_report(session: Session, month: date, *, now: datetime) -> bytes:
    period = month_of(checked_day(month, "month"))
    data = metrics.report(session, period, now=now, dimensions=("department", "category"))
    document = Document()
    set_chinese_font(document)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{period.label()}信访工作报告")
    run.bold, run.font.size = True, Pt(18)
    document.add_paragraph(
        f"统计区间：{period.first_day:%Y年%m月%d日}至{period.last_day:%Y年%m月%d日}；由系统自动生成。"
    )
    document.add_heading("一、总体情况", level=2)
    totals, change = data["totals"], data["change"]
    _table(
        document,
        ["指标", "本月", "上月", "变化"],
        [
            [
                metrics.METRIC_LABELS[k],
                _show(k, totals.get(k)),
                _show(k, data["previous"].get(k)),
                _change(k, change.get(k)),
            ]
            for k in ROWS
        ],
    )
    document.add_heading("二、各责任部门", level=2)
    _table(
        document,
        ["部门", "登记", "办结", "按期办结率", "满意率", "退单率", "超期"],
        [
            [
                r["label"],
                str(r["registered"]),
                str(r["closed"]),
                _show("on_time_completion_rate", r["on_time_completion_rate"]),
                _show("satisfaction_rate", r["satisfaction_rate"]),
                _show("return_rate", r["return_rate"]),
                str(r["overdue"]),
            ]
            for r in data["breakdowns"]["department"]
        ],
    )
    document.add_heading("三、热点问题", level=2)
    issues = find_hot_issues(session, period, limit=10)
    if not issues:
        document.add_paragraph("本月未发现集中反映的问题。")
    for number, issue in enumerate(issues, start=1):
        trend = "，".join(f"{t['label']} {t['count']}件" for t in issue.trend)
        flag = "（热点）" if issue.hot else ""
        document.add_paragraph(
            f"{number}. {issue.title}{flag}：{issue.size}件，涉及{issue.petitioners}人，"
            f"类别{issue.category_label}，"
            f"关键词“{'、'.join(issue.keywords)}”，上月{issue.previous_count}件；分周：{trend}。"
        )
    document.add_heading("四、源头治理事项", level=2)
    items = session.scalars(
        select(GovernanceItem)
        .where(
            or_(GovernanceItem.closed_at.is_(None), GovernanceItem.closed_at >= period.since),
            GovernanceItem.opened_at < period.until,
        )
        .order_by(GovernanceItem.id)
    ).all()
    _table(
        document,
        ["编号", "问题", "状态", "解决时限", "按期销号"],
        [
            [
                str(i.id),
                i.title,
                ITEM_STATUSES.get(i.status, i.status),
                i.due_on.isoformat() if i.due_on else "—",
                "—" if i.closed_on_time is None else ("是" if i.closed_on_time else "否"),
            ]
            for i in items
        ],
    )
    target = io.BytesIO()
    document.save(target)
    return target.getvalue()
