"""Excel exports of the governance tables (metrics breakdowns, hot issues, governance items).

Every value goes in through service.spreadsheet, so a title like `=HYPERLINK(…)` from a public
submission stays text in the sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from service import spreadsheet
from service.clock import to_local
from service.governance.metrics import DIMENSION_LABELS, METRIC_LABELS, RATES
from service.governance.models import GovernanceItem
from service.governance.vocabulary import ITEM_STATUSES, TRACKS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [k for k in METRIC_LABELS if k not in ("counts",)]


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(spreadsheet.row(sheet, header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(spreadsheet.row(sheet, row))
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(
            10, min(40, len(str(column[0].value)) * 2 + 2)
        )


def _value(key: str, value: Any) -> Any:
    if key in RATES and isinstance(value, float):
        return round(value * 100, 2)  # percent in the sheet
    return value


def metrics_workbook(report: Mapping[str, Any]) -> bytes:
    """One sheet of totals (this period, previous, change) and one per breakdown; rates in %."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    totals, previous, change = report["totals"], report["previous"], report["change"]
    _sheet(
        book,
        "总体",
        ["指标", report["period"]["label"], report["previous_period"]["label"], "变化"],
        [
            [
                METRIC_LABELS[k] + ("（%）" if k in RATES else ""),
                _value(k, totals.get(k)),
                _value(k, previous.get(k)),
                _value(k, change.get(k)),
            ]
            for k in COLUMNS
        ],
    )
    for dimension, rows in report["breakdowns"].items():
        _sheet(
            book,
            f"按{DIMENSION_LABELS[dimension]}",
            [
                DIMENSION_LABELS[dimension],
                *(METRIC_LABELS[k] + ("（%）" if k in RATES else "") for k in COLUMNS),
            ],
            [[row["label"], *(_value(k, row.get(k)) for k in COLUMNS)] for row in rows],
        )
    return _bytes(book)


def hot_issues_workbook(issues: Sequence[Mapping[str, Any]]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    _sheet(
        book,
        "热点问题",
        [
            "序号",
            "问题",
            "关键词",
            "件数",
            "涉及人数",
            "类别",
            "上期件数",
            "集中度",
            "是否热点",
            "示例查询码",
        ],
        [
            [
                n,
                i["title"],
                "、".join(i["keywords"]),
                i["size"],
                i["petitioners"],
                i["category_label"],
                i["previous_count"],
                i["burst"],
                "是" if i["hot"] else "否",
                "、".join(e["tracking_code"] for e in i["examples"]),
            ]
            for n, i in enumerate(issues, start=1)
        ],
    )
    return _bytes(book)


def items_workbook(
    items: Sequence[GovernanceItem],
    departments: Mapping[str, str],
    linked: Mapping[int, int],
    people: Mapping[str, str],
) -> bytes:
    """The governance items; `people` names the 包抓领导 and 责任人 (usernames) by display name."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    _sheet(
        book,
        "源头治理事项",
        [
            "编号",
            "问题",
            "状态",
            "整改方式",
            "包抓领导",
            "责任部门",
            "责任人",
            "解决时限",
            "关联件数",
            "立项时间",
            "销号时间",
            "按期",
        ],
        [
            [
                i.id,
                i.title,
                ITEM_STATUSES.get(i.status, i.status),
                TRACKS.get(i.track or "", ""),
                people.get(i.leader or "", i.leader or ""),
                departments.get(i.department or "", i.department or ""),
                people.get(i.responsible_person or "", i.responsible_person or ""),
                i.due_on.isoformat() if i.due_on else "",
                linked.get(i.id, 0),
                to_local(i.opened_at).strftime("%Y-%m-%d %H:%M"),
                to_local(i.closed_at).strftime("%Y-%m-%d %H:%M") if i.closed_at else "",
                "" if i.closed_on_time is None else ("是" if i.closed_on_time else "否"),
            ]
            for i in items
        ],
    )
    return _bytes(book)


def _bytes(book: Workbook) -> bytes:
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()
