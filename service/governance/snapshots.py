"""Stored metric snapshots: the periodic job keeps the last complete week and month, so the office
sees the numbers without anyone compiling a spreadsheet; any period can also be taken on demand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.clock import Clock
from service.db import Database
from service.errors import NotFound
from service.governance import metrics
from service.governance.hot_issues import find_hot_issues
from service.governance.models import MetricsSnapshot
from service.governance.periods import Period, last_complete


def snapshot_data(session: Session, period: Period, *, now: datetime) -> dict[str, Any]:
    data = metrics.report(session, period, now=now)
    data["hot_issues"] = [issue.as_dict() for issue in find_hot_issues(session, period, limit=10)]
    return data


def take_snapshot(session: Session, period: Period, *, now: datetime) -> MetricsSnapshot:
    """Compute and store (or refresh) the snapshot of `period` (kind week or month)."""
    row = session.scalar(
        select(MetricsSnapshot).where(
            MetricsSnapshot.kind == period.kind, MetricsSnapshot.period_start == period.first_day
        )
    )
    data = snapshot_data(session, period, now=now)
    if row is None:
        row = MetricsSnapshot(kind=period.kind, period_start=period.first_day, period_end=period.last_day)
        session.add(row)
    row.data, row.computed_at = data, now
    session.flush()
    return row


def take_due_snapshots(db: Database, clock: Clock) -> list[str]:
    """The job: snapshot the last complete week and month if they are not stored yet (idempotent)."""
    now = clock.now()
    taken = []
    for kind in ("week", "month"):
        period = last_complete(kind, now)
        with db.transaction() as session:
            exists = session.scalar(
                select(MetricsSnapshot.id).where(
                    MetricsSnapshot.kind == kind, MetricsSnapshot.period_start == period.first_day
                )
            )
            if exists is None:
                take_snapshot(session, period, now=now)
                taken.append(f"{kind}:{period.first_day.isoformat()}")
    return taken


def list_snapshots(
    session: Session, *, kind: str | None = None, limit: int = 60
) -> Sequence[MetricsSnapshot]:
    statement = (
        select(MetricsSnapshot)
        .order_by(MetricsSnapshot.period_start.desc(), MetricsSnapshot.kind)
        .limit(limit)
    )
    if kind:
        statement = statement.where(MetricsSnapshot.kind == kind)
    return session.scalars(statement).all()


def get_snapshot(session: Session, snapshot_id: int) -> MetricsSnapshot:
    row = session.get(MetricsSnapshot, snapshot_id)
    if row is None:
        raise NotFound("统计快照不存在")
    return row
