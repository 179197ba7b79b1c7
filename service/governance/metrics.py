"""The metrics of DOMAIN.md §10 for any period: totals, breakdowns and the change against the
period before. Definitions (numerators, denominators, cohorts) are stated in docs/governance.md.

`compute(session, since=, until=)` is also what the campaign freezes into its summary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from service.governance.counting import Counts, PeriodCounts, count_period
from service.governance.models import GovernanceItem
from service.governance.periods import Period
from service.identity.models import Department
from service.petitions.models import Category
from service.petitions.vocabulary import CHANNELS, CLOSED_STATUSES, REQUEST_TYPES

SOURCE = "governance"
DIMENSIONS = ("department", "category", "channel", "request_type")
DIMENSION_LABELS = {
    "department": "责任部门",
    "category": "问题类别",
    "channel": "渠道",
    "request_type": "诉求类型",
}
METRIC_LABELS = {
    "registered": "登记件数",
    "open": "未办结件数",
    "closed": "办结件数",
    "timely_acceptance_rate": "及时受理率",
    "on_time_completion_rate": "按期办结率",
    "satisfaction_rate": "群众满意率",
    "rating_rate": "参评率",
    "response_rate": "响应率",
    "resolution_rate": "解决率",
    "satisfied_rate": "满意率（三率）",
    "repeat_rate": "重复信访率",
    "return_rate": "退单率",
    "overdue": "超期件数",
    "supervised": "督办件数",
    "average_handling_days": "平均办理天数",
    "direct_answer_rate": "直接答复率",
    "dispatched": "派单数",
    "returned": "退单数",
    "repeat": "重复件数",
}
RATES = frozenset(k for k in METRIC_LABELS if k.endswith("_rate"))
# How each rate is counted (derive below), for readers of the dashboard.
METRIC_DEFINITIONS = {
    "timely_acceptance_rate": "受理告知期限已届满的登记件中，按期作出受理决定的比例",
    "on_time_completion_rate": "办结件中，办理期限（60日、延长期限、简易办理、重办期限）均未超期的比例",
    "satisfaction_rate": "已评价件中，评价为“满意”或“基本满意”的比例",
    "rating_rate": "办结件（不含举报、检举控告类）中，已作出评价的比例",
    "response_rate": "派单中，按期签收或退单的比例（退单不计为响应）",
    "resolution_rate": "回访时被问及是否解决的件中，答“已解决”的比例",
    "satisfied_rate": "已评价件中，评价为“满意”的比例（不含“基本满意”，即“三率”口径）",
    "repeat_rate": "登记件中，重复件（同一事项再次信访）的比例",
    "return_rate": "派单中，被退单的比例",
    "direct_answer_rate": "办结件中，经接诉即办直接答复办结的比例",
}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def derive(c: Counts) -> dict[str, Any]:
    """Rates and counts from raw counts (the same formula for a total and for any group)."""
    return {
        "registered": c.registered,
        "open": c.open,
        "closed": c.closed,
        "repeat": c.repeat,
        "dispatched": c.dispatched,
        "returned": c.returned,
        "timely_acceptance_rate": _rate(c.accepted_in_time, c.acceptance_due),
        "on_time_completion_rate": _rate(c.closed_on_time, c.closed),
        "satisfaction_rate": _rate(c.satisfied + c.basically_satisfied, c.rated),
        "rating_rate": _rate(c.rated, c.rating_eligible),
        "response_rate": _rate(c.responded_in_time, c.dispatch_due),
        "resolution_rate": _rate(c.resolved, c.resolution_answered),
        "satisfied_rate": _rate(c.satisfied, c.rated),
        "repeat_rate": _rate(c.repeat, c.registered),
        "return_rate": _rate(c.returned, c.dispatched),
        "overdue": c.overdue,
        "supervised": c.supervised,
        "average_handling_days": round(c.handling_seconds / 86400 / c.closed, 2) if c.closed else None,
        "direct_answer_rate": _rate(c.direct_answered, c.closed),
        "counts": {k: round(v, 2) if isinstance(v, float) else v for k, v in vars(c).items()},
    }


def change(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, float | int | None]:
    """current − previous for every number (rates in fractions: 0.05 = five percentage points)."""
    diff: dict[str, float | int | None] = {}
    for key in METRIC_LABELS:
        now, before = current.get(key), previous.get(key)
        if isinstance(now, int | float) and isinstance(before, int | float):
            diff[key] = (
                round(now - before, 4)
                if isinstance(now, float) or isinstance(before, float)
                else now - before
            )
        else:
            diff[key] = None
    return diff


def _top_category(code: str | None) -> str | None:
    return code.split(".", 1)[0] if code else None


def breakdown(counts: PeriodCounts, dimension: str) -> dict[str | None, Counts]:
    position = DIMENSIONS.index(dimension)
    groups: dict[str | None, Counts] = defaultdict(Counts)
    for key, value in counts.by_key.items():
        group = key[position]
        groups[_top_category(group) if dimension == "category" else group].add(value)
    return dict(groups)


def labels(session: Session, dimension: str) -> dict[str, str]:
    if dimension == "department":
        return dict(session.execute(select(Department.code, Department.name)).all())
    if dimension == "category":
        return dict(
            session.execute(select(Category.code, Category.name).where(Category.parent_code.is_(None))).all()
        )
    return dict(CHANNELS if dimension == "channel" else REQUEST_TYPES)


def governance_counts(
    session: Session, *, since: datetime, until: datetime, department: str | None
) -> dict[str, Any]:
    """Governance items closed in the period, and how many by their 解决时限."""
    statement = select(
        func.count(), func.coalesce(func.sum(case((GovernanceItem.closed_on_time.is_(True), 1), else_=0)), 0)
    ).where(GovernanceItem.closed_at >= since, GovernanceItem.closed_at < until)
    if department:
        statement = statement.where(GovernanceItem.department == department)
    closed, on_time = session.execute(statement).one()
    return {
        "items_closed": int(closed),
        "items_closed_on_time": int(on_time),
        "items_on_time_rate": _rate(int(on_time), int(closed)),
    }


def compute(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    as_of: datetime | None = None,
    department: str | None = None,
) -> dict[str, Any]:
    """The period's totals (what the campaign summary keeps); clocks are judged as of `as_of` (default
    `until`)."""
    counts = count_period(
        session,
        since=since,
        until=until,
        as_of=as_of or until,
        closed_statuses=CLOSED_STATUSES,
        department=department,
    )
    return {
        "source": SOURCE,
        **derive(counts.total()),
        **governance_counts(session, since=since, until=until, department=department),
    }


def report(
    session: Session,
    period: Period,
    *,
    now: datetime,
    department: str | None = None,
    dimensions: tuple[str, ...] = DIMENSIONS,
) -> dict[str, Any]:
    """Totals, breakdowns by each dimension, the previous period and the change against it."""
    as_of = min(now, period.until)
    counts = count_period(
        session,
        since=period.since,
        until=period.until,
        as_of=as_of,
        closed_statuses=CLOSED_STATUSES,
        department=department,
    )
    previous = period.previous()
    before = compute(
        session,
        since=previous.since,
        until=previous.until,
        as_of=min(now, previous.until),
        department=department,
    )
    totals = {
        **derive(counts.total()),
        **governance_counts(session, since=period.since, until=period.until, department=department),
    }
    result: dict[str, Any] = {
        "period": period.as_dict(),
        "previous_period": previous.as_dict(),
        "as_of": as_of.isoformat(),
        "department": department,
        "totals": totals,
        "previous": before,
        "change": change(totals, before),
        "breakdowns": {},
    }
    for dimension in dimensions:
        names = labels(session, dimension)
        rows = [
            {"key": key, "label": names.get(key or "", key or "（未分派）"), **derive(value)}
            for key, value in breakdown(counts, dimension).items()
            if dimension != "department" or department is None or key == department
        ]
        rows.sort(key=lambda row: (-row["registered"], -row["closed"], str(row["key"])))
        result["breakdowns"][dimension] = rows
    return result
