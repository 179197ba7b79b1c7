"""Keeps the campaign's rows in step with its process instance, inside the runtime's transaction.

The diagram and this module share a few element properties:

* ``campaign_phase`` on each phase's sub-process and its tasks: a task created → the phase is
  active; the sub-process completed → the phase is completed;
* ``campaign_phase_overdue`` on each phase's deadline timer: it fired → the phase is overdue;
* ``campaign_event = screening_round`` on the script the monthly cycle runs → a new round, whose
  department report tasks are created in the same command.

Completed tasks are recorded by form key (plan, approvals, mobilisation, reports, review, summary).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.campaign import governance_link, lists
from service.campaign.models import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    DONE,
    REVIEWING,
    SUBMITTED,
    Campaign,
    CampaignPhase,
    HotIssue,
    Rectification,
    ScreeningReport,
    ScreeningRound,
    TypicalCase,
)
from service.campaign.service import members_with_role
from service.campaign.vocabulary import (
    FORM_IMPLEMENTATION,
    FORM_MOBILISATION,
    FORM_PLAN,
    FORM_PLAN_APPROVAL,
    FORM_SCREENING_REPORT,
    FORM_SCREENING_REVIEW,
    FORM_SUMMARY,
    FORM_SUMMARY_APPROVAL,
    FORM_SUPERVISION,
    PROCESS_KEY,
    campaign_id_of,
)
from service.clock import LOCAL_TZ
from service.engine.commands import CancelInstance, CompleteTask
from service.engine.models import TASK_CANCELLED, HumanTask
from service.engine.runtime import Outcome
from service.identity.models import Department, User
from service.petitions.models import Petition

Handler = Callable[[Session, Campaign, HumanTask, Mapping[str, Any], Outcome], None]


class CampaignProjection:
    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        if outcome.instance.model_key != PROCESS_KEY:
            return
        campaign_id = campaign_id_of(outcome.instance.business_key)
        campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
        if campaign is None:
            return
        phases = {
            p.key: p
            for p in session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id))
        }
        elements = outcome.version.elements
        new_round: ScreeningRound | None = None
        for element_id, properties in outcome.reached:
            if properties.get("campaign_event") == "screening_round":
                new_round = _open_round(session, campaign, outcome)
            overdue = phases.get(str(properties.get("campaign_phase_overdue")))
            if overdue is not None and overdue.overdue_at is None and overdue.status != COMPLETED:
                overdue.overdue_at = outcome.now
                outcome.record(
                    "campaign.phase_overdue", actor="system", phase=overdue.key, ends_on=overdue.ends_on
                )
            done = phases.get(str(properties.get("campaign_phase")))
            if done is not None and elements.get(element_id, {}).get("type") == "subProcess":
                done.status, done.completed_at = COMPLETED, outcome.now
                outcome.record("campaign.phase_completed", phase=done.key, late=_late(done, outcome.now))
        if isinstance(outcome.command, CompleteTask):
            self._completed(session, campaign, outcome.command, outcome)
        for row in outcome.created_tasks:
            _task_created(
                session, campaign, row, phases=phases, elements=elements, new_round=new_round, outcome=outcome
            )
        for row in outcome.closed_tasks:
            if row.status == TASK_CANCELLED and row.form_key == FORM_SCREENING_REPORT:
                report = session.scalar(select(ScreeningReport).where(ScreeningReport.task_id == row.id))
                if report is not None and report.status != SUBMITTED:
                    report.status = CANCELLED
        if outcome.ended and campaign.status == "running":
            campaign.status = CANCELLED if isinstance(outcome.command, CancelInstance) else COMPLETED
            campaign.completed_at = outcome.now
            outcome.record("campaign.ended", status=campaign.status)

    def _completed(
        self, session: Session, campaign: Campaign, command: CompleteTask, outcome: Outcome
    ) -> None:
        row = session.get(HumanTask, command.task_id)
        handler = _HANDLERS.get(row.form_key) if row is not None else None
        if row is not None and handler is not None:
            handler(session, campaign, row, command.data, outcome)


def _late(phase: CampaignPhase, now: datetime) -> bool:
    return now > datetime.combine(phase.ends_on + timedelta(days=1), time(0), LOCAL_TZ)


def _phase(session: Session, campaign: Campaign, key: str) -> CampaignPhase | None:
    return session.scalar(
        select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id, CampaignPhase.key == key)
    )


def _remember(
    session: Session, campaign: Campaign, key: str, *, entry: str, data: Mapping[str, Any], outcome: Outcome
) -> None:
    phase = _phase(session, campaign, key)
    if phase is not None:
        by = outcome.command.actor.username
        phase.record = {**phase.record, entry: {**data, "by": by, "at": outcome.now.isoformat()}}


def _task_created(
    session: Session,
    campaign: Campaign,
    row: HumanTask,
    *,
    phases: Mapping[str, CampaignPhase],
    elements: Mapping[str, Mapping[str, Any]],
    new_round: ScreeningRound | None,
    outcome: Outcome,
) -> None:
    key = elements.get(row.element_id, {}).get("properties", {}).get("campaign_phase")
    phase = phases.get(str(key))
    if phase is not None and phase.status == "pending":
        phase.status, phase.started_at = ACTIVE, outcome.now
        outcome.record("campaign.phase_started", actor="system", phase=phase.key, ends_on=phase.ends_on)
    if row.form_key == FORM_SCREENING_REPORT:
        current = new_round or _latest_round(session, campaign)
        if current is not None:
            department = (row.candidate_group or "").partition("@")[2]
            session.add(
                ScreeningReport(
                    round_id=current.id,
                    department_code=department,
                    task_id=row.id,
                    status="open",
                    due_at=row.due_at,
                    data={},
                )
            )
    if row.form_key == FORM_SCREENING_REVIEW:
        current = _round_of_report(session, outcome) or _latest_round(session, campaign)
        if current is not None:
            current.status, current.review_task_id = REVIEWING, row.id


def _round_of_report(session: Session, outcome: Outcome) -> ScreeningRound | None:
    """The round whose last report completed in this command (its review task is created with it)."""
    if not isinstance(outcome.command, CompleteTask):
        return None
    report = session.scalar(select(ScreeningReport).where(ScreeningReport.task_id == outcome.command.task_id))
    return session.get(ScreeningRound, report.round_id) if report is not None else None


def _latest_round(session: Session, campaign: Campaign) -> ScreeningRound | None:
    return session.scalar(
        select(ScreeningRound)
        .where(ScreeningRound.campaign_id == campaign.id, ScreeningRound.status != DONE)
        .order_by(ScreeningRound.number.desc())
        .limit(1)
    )


def _open_round(session: Session, campaign: Campaign, outcome: Outcome) -> ScreeningRound:
    number = (
        session.scalar(
            select(func.max(ScreeningRound.number)).where(ScreeningRound.campaign_id == campaign.id)
        )
        or 0
    ) + 1
    opened = ScreeningRound(
        campaign_id=campaign.id, number=number, opened_at=outcome.now, status="collecting"
    )
    session.add(opened)
    session.flush()
    outcome.record("campaign.screening_opened", actor="system", round=number)
    return opened


# -- completed tasks, by form --------------------------------------------------------------------------


def _on_plan(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    _remember(session, campaign, "plan", entry="plan", data=data, outcome=outcome)


def _on_plan_approval(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    _remember(session, campaign, "plan", entry="approval", data=data, outcome=outcome)


def _on_mobilisation(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    _remember(session, campaign, "mobilisation", entry="mobilisation", data=data, outcome=outcome)


def _on_implementation(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    _remember(session, campaign, "implementation", entry="confirmation", data=data, outcome=outcome)


def _on_report(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    report = session.scalar(select(ScreeningReport).where(ScreeningReport.task_id == row.id))
    if report is None:
        return
    report.status, report.submitted_at = SUBMITTED, outcome.now
    report.submitted_by = outcome.command.actor.username
    report.disputes_found = data.get("disputes_found")
    report.disputes_resolved = data.get("disputes_resolved")
    report.data = dict(data)


def _on_review(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    current = session.scalar(select(ScreeningRound).where(ScreeningRound.review_task_id == row.id))
    actor = outcome.command.actor.username
    if current is not None:
        current.status, current.reviewed_at, current.reviewed_by = DONE, outcome.now, actor
        current.review = str(data.get("review_summary") or "")
    departments = dict(session.execute(select(Department.code, Department.name)).all())
    group = members_with_role(session, campaign.id, "leader", "deputy")
    leaders = dict(
        session.execute(select(User.username, User.display_name).where(User.username.in_(group))).all()
    )
    items, _ = lists.parse_hot_issues(data.get("hot_issues"), departments, leaders)
    implementation = _phase(session, campaign, "implementation")
    for item in items:
        item_id = governance_link.create_item(
            session,
            campaign_id=campaign.id,
            round_number=current.number if current else None,
            title=item.title,
            department=item.department,
            leader=item.leader,
            due_on=implementation.ends_on if implementation else None,
            actor=actor,
            now=outcome.now,
        )
        session.add(
            HotIssue(
                campaign_id=campaign.id,
                round_id=current.id if current else None,
                title=item.title,
                department_code=item.department,
                leader_username=item.leader,
                governance_item_id=item_id,
                raised_by=actor,
                raised_at=outcome.now,
            )
        )
        outcome.record(
            "campaign.hot_issue_raised",
            title=item.title,
            department=item.department,
            leader=item.leader,
            governance_item_id=item_id,
        )


def _on_summary(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    _remember(session, campaign, "summary", entry="summary", data=data, outcome=outcome)
    departments = dict(session.execute(select(Department.code, Department.name)).all())
    items, _ = lists.parse_rectifications(data.get("rectification_list"), departments)
    session.execute(delete(Rectification).where(Rectification.campaign_id == campaign.id))
    session.add_all(
        Rectification(
            campaign_id=campaign.id,
            position=index,
            problem=item.problem,
            measure=item.measure,
            department_code=item.department,
            due_on=item.due_on,
            status="open",
        )
        for index, item in enumerate(items)
    )
    session.execute(delete(TypicalCase).where(TypicalCase.campaign_id == campaign.id))
    chosen = [int(value) for value in data.get("typical_cases") or [] if str(value).isdigit()]
    for petition_id in chosen:
        if session.get(Petition, petition_id) is not None:
            session.add(
                TypicalCase(
                    campaign_id=campaign.id,
                    petition_id=petition_id,
                    chosen_by=outcome.command.actor.username,
                    chosen_at=outcome.now,
                )
            )
    campaign.summary = {
        **campaign.summary,
        "text": data.get("summary_text"),
        "mechanisms": data.get("mechanisms"),
    }


def _on_summary_approval(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    _remember(session, campaign, "summary", entry="approval", data=data, outcome=outcome)
    if data.get("summary_decision") != "approve":
        return
    since = datetime.combine(campaign.period_start, time(0), LOCAL_TZ)
    until = datetime.combine(campaign.period_end + timedelta(days=1), time(0), LOCAL_TZ)
    metrics = governance_link.period_metrics(session, since=since, until=until)
    campaign.summary = {
        **campaign.summary,
        "metrics": dict(metrics),
        "approved_by": outcome.command.actor.username,
        "approved_at": outcome.now.isoformat(),
    }


def _on_supervision(
    session: Session, campaign: Campaign, row: HumanTask, data: Mapping[str, Any], outcome: Outcome
) -> None:
    properties = outcome.version.elements.get(row.element_id, {}).get("properties", {})
    phase = str(properties.get("campaign_phase_supervised", ""))
    _remember(session, campaign, phase, entry="supervision", data=data, outcome=outcome)
    outcome.record(
        "campaign.phase_supervised",
        phase=phase,
        level=data.get("supervision_level"),
        requirements=data.get("requirements"),
        new_due_on=data.get("new_due_on"),
    )


_HANDLERS: dict[str, Handler] = {
    FORM_PLAN: _on_plan,
    FORM_PLAN_APPROVAL: _on_plan_approval,
    FORM_MOBILISATION: _on_mobilisation,
    FORM_IMPLEMENTATION: _on_implementation,
    FORM_SCREENING_REPORT: _on_report,
    FORM_SCREENING_REVIEW: _on_review,
    FORM_SUMMARY: _on_summary,
    FORM_SUMMARY_APPROVAL: _on_summary_approval,
    FORM_SUPERVISION: _on_supervision,
}
