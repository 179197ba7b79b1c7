"""Basic counts over a period, used by the campaign until the governance metrics (issue 6) exist.

Only petitions received in [since, until) count. Rates are None when nothing qualifies.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.engine.models import DeadlineRecord
from service.petitions.models import Petition
from service.petitions.vocabulary import CLOSED_STATUSES

SOURCE = "campaign.basic"


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def compute(session: Session, *, since: datetime, until: datetime) -> Mapping[str, Any]:
    in_period = (Petition.received_at >= since) & (Petition.received_at < until)
    by_status = dict(
        session.execute(
            select(Petition.status, func.count()).where(in_period).group_by(Petition.status)
        ).all()
    )
    by_channel = dict(
        session.execute(
            select(Petition.channel, func.count()).where(in_period).group_by(Petition.channel)
        ).all()
    )
    by_satisfaction = dict(
        session.execute(
            select(Petition.satisfaction, func.count())
            .where(in_period, Petition.satisfaction.is_not(None))
            .group_by(Petition.satisfaction)
        ).all()
    )
    deadlines = dict(
        session.execute(
            select(DeadlineRecord.status, func.count())
            .join(Petition, Petition.process_instance_id == DeadlineRecord.instance_id)
            .where(in_period, DeadlineRecord.status.in_(("met", "late")))
            .group_by(DeadlineRecord.status)
        ).all()
    )
    registered = sum(by_status.values())
    closed = sum(n for status, n in by_status.items() if status in CLOSED_STATUSES)
    rated = sum(by_satisfaction.values())
    satisfied = by_satisfaction.get("satisfied", 0) + by_satisfaction.get("basically_satisfied", 0)
    met, late = deadlines.get("met", 0), deadlines.get("late", 0)
    return {
        "source": SOURCE,
        "registered": registered,
        "closed": closed,
        "open": registered - closed,
        "by_channel": by_channel,
        "rated": rated,
        "satisfaction_rate": _rate(satisfied, rated),
        "steps_on_time": met,
        "steps_late": late,
        "on_time_rate": _rate(met, met + late),
    }
