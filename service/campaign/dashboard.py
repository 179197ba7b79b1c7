"""The campaign dashboard (专项行动看板): phase progress, the period's metrics, screening and the
governance items the campaign raised. Read-only; plain data for the API schema and the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.campaign import governance_link
from service.campaign.models import CampaignPhase
from service.campaign.service import CampaignView, view_campaign
from service.campaign.vocabulary import PHASES, business_key
from service.clock import LOCAL_TZ
from service.engine.models import TASK_OPEN, HumanTask
from service.governance.models import GovernanceItem


@dataclass(frozen=True)
class PhaseProgress:
    key: str
    name: str
    status: str
    starts_on: date
    ends_on: date
    started_at: datetime | None
    completed_at: datetime | None
    overdue: bool
    late: bool  # completed after its last day, or still open after it
    elapsed_percent: int  # how much of the planned time has passed (0–100)


@dataclass
class Dashboard:
    view: CampaignView
    phases: list[PhaseProgress]
    current_phase: str | None
    metrics: dict[str, Any]
    governance_items: list[GovernanceItem]
    open_tasks: list[HumanTask] = field(default_factory=list)
    overdue_tasks: int = 0
    rounds: list[dict[str, Any]] = field(default_factory=list)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ)


def progress(phase: CampaignPhase, now: datetime) -> PhaseProgress:
    start = datetime.combine(phase.starts_on, time(0), LOCAL_TZ)
    end = _end_of(phase.ends_on)
    span = max((end - start).total_seconds(), 1.0)
    elapsed = min(max((now - start).total_seconds() / span, 0.0), 1.0)
    finished = phase.completed_at or now
    return PhaseProgress(
        key=phase.key,
        name=PHASES.get(phase.key, phase.key),
        status=phase.status,
        starts_on=phase.starts_on,
        ends_on=phase.ends_on,
        started_at=phase.started_at,
        completed_at=phase.completed_at,
        overdue=phase.overdue_at is not None,
        late=phase.status != "pending" and finished >= end,
        elapsed_percent=round(elapsed * 100),
    )


def build_dashboard(session: Session, campaign_id: int, *, now: datetime) -> Dashboard:
    view = view_campaign(session, campaign_id)
    campaign = view.campaign
    phases = [progress(p, now) for p in view.phases]
    current = next((p.key for p in phases if p.status == "active"), None)
    since = datetime.combine(campaign.period_start, time(0), LOCAL_TZ)
    until = min(_end_of(campaign.period_end), max(now, since))
    metrics = dict(governance_link.period_metrics(session, since=since, until=until))
    metrics["period"] = {"since": since.isoformat(), "until": until.isoformat()}
    items = list(governance_link.open_items(session, campaign.id))
    tasks = list(
        session.scalars(
            select(HumanTask)
            .where(HumanTask.business_key == business_key(campaign.id), HumanTask.status == TASK_OPEN)
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at)
        )
    )
    rounds = [
        {
            "number": r.number,
            "status": r.status,
            "opened_at": r.opened_at,
            "submitted": sum(1 for x in view.reports[r.id] if x.status == "submitted"),
            "expected": len(view.reports[r.id]),
            "disputes_found": sum(x.disputes_found or 0 for x in view.reports[r.id]),
            "disputes_resolved": sum(x.disputes_resolved or 0 for x in view.reports[r.id]),
        }
        for r in view.rounds
    ]
    return Dashboard(
        view=view,
        phases=phases,
        current_phase=current,
        metrics=metrics,
        governance_items=items,
        open_tasks=tasks,
        overdue_tasks=sum(1 for t in tasks if t.due_at is not None and t.due_at < now),
        rounds=rounds,
    )
