"""The governance listener: runs inside every runtime command, after the other domains' listeners.

* a petition's registration: its text profile and duplicate proposals;
* a petition's screening and follow-up: proposals settled, the 已解决 answer kept for 解决率;
* a governance process: the item row follows it (assignment, reports, review, closure), and linked
  petitions get a public timeline entry when the fix is approved;
* items the campaign raised during this command get their process started.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.chain import PendingEvent
from service.clock import LOCAL_TZ
from service.engine.commands import CompleteTask, StartInstance
from service.engine.runtime import Outcome, Runtime
from service.governance import duplicates, service
from service.governance.models import GovernanceItem, GovernanceLink, GovernanceReport, PetitionProfile
from service.governance.vocabulary import PROCESS_KEY, PUBLIC_FIXED, item_id_of
from service.petitions.models import Petition
from service.petitions.projection import business_key as petition_key
from service.petitions.projection import petition_id_of

_REPORTS = {
    "gov_progress": "progress",
    "gov_rectify": "closure",
    "gov_push": "closure",
    "gov_review": "review",
    "gov_summary": "summary",
}
_REPORT_TEXT = {"progress": "progress", "closure": "result", "review": "review_opinion", "summary": "summary"}


class GovernanceProjection:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        instance = outcome.instance
        if instance.model_key == "petition":
            self._petition(session, outcome)
        elif instance.model_key == PROCESS_KEY:
            self._item(session, outcome)
        service.start_pending(session, self._runtime)

    # -- petitions -------------------------------------------------------------------------------
    def _petition(self, session: Session, outcome: Outcome) -> None:
        petition_id = petition_id_of(outcome.instance.business_key)
        if petition_id is None:
            return
        if isinstance(outcome.command, StartInstance):
            petition = session.get(Petition, petition_id)
            if petition is None:
                return
            profile = duplicates.profile_petition(session, petition)
            session.flush()
            for proposal in duplicates.propose_duplicates(session, petition, profile, outcome.now):
                outcome.record(
                    "duplicate.proposed",
                    actor="system",
                    candidate_id=proposal.candidate_id,
                    score=proposal.score,
                )
            return
        form = _completed_form(outcome)
        if form == "screening":
            target = session.get(Petition, petition_id)
            merged_into = target.duplicate_of_id if target is not None else None
            duplicates.settle_proposals(session, petition_id, merged_into, outcome.now)
        elif form == "follow_up":
            # The answer of this follow-up, as submitted: workflow data still holds an earlier
            # follow-up's answer after a 重办, and a later one that skips the question must not keep it.
            answer = (
                outcome.command.data.get("resolved") if isinstance(outcome.command, CompleteTask) else None
            )
            answered = answer if isinstance(answer, bool) else None
            if answered is None and not outcome.variables.get("reopen_count"):
                return  # a first follow-up that skips the question: nothing kept to clear
            kept = session.get(PetitionProfile, petition_id)
            if kept is not None:
                kept.resolved = answered

    # -- governance items ------------------------------------------------------------------------
    def _item(self, session: Session, outcome: Outcome) -> None:
        item_id = item_id_of(outcome.instance.business_key)
        item = session.get(GovernanceItem, item_id) if item_id is not None else None
        if item is None:
            return
        variables, now = outcome.variables, outcome.now
        item.process_instance_id = item.process_instance_id or outcome.instance.id
        form = _completed_form(outcome)
        if form == "gov_assign":
            _assign(item, variables)
            outcome.record(
                "governance.assigned",
                leader=item.leader,
                department=item.department,
                responsible_person=item.responsible_person,
                due_on=str(item.due_on),
                track=item.track,
            )
        if form in _REPORTS:
            self._report(session, outcome, item, _REPORTS[form], variables)
        if form == "gov_review" and variables.get("review_decision") == "approve":
            self._approved(session, outcome, item)
        if form == "gov_summary":
            item.typical_case = variables.get("typical_case") or None
            item.mechanism = variables.get("mechanism") or None
        item.status = outcome.instance.business_status or item.status
        if outcome.ended and item.closed_at is None:
            item.closed_at = now
            item.status = "closed"
        item.updated_at = now

    @staticmethod
    def _report(
        session: Session, outcome: Outcome, item: GovernanceItem, kind: str, variables: Mapping[str, Any]
    ) -> None:
        text = str(variables.get(_REPORT_TEXT[kind]) or "")
        percent = variables.get("percent") if kind == "progress" else None
        session.add(
            GovernanceReport(
                item_id=item.id,
                kind=kind,
                text=text,
                percent=percent,
                author=outcome.command.actor.username,
                at=outcome.now,
            )
        )
        if kind == "closure":
            item.resolution = text
        outcome.record("governance.reported", kind=kind, percent=percent)

    @staticmethod
    def _approved(session: Session, outcome: Outcome, item: GovernanceItem) -> None:
        due_end = datetime.combine(item.due_on, datetime.max.time(), LOCAL_TZ) if item.due_on else None
        item.closed_on_time = due_end is None or outcome.now <= due_end
        for petition_id in session.scalars(
            select(GovernanceLink.petition_id).where(GovernanceLink.item_id == item.id)
        ):
            outcome.events.append(
                PendingEvent(
                    actor="system",
                    action="governance.fixed",
                    business_key=petition_key(petition_id),
                    data={"item_id": item.id, "public": PUBLIC_FIXED},
                )
            )
        outcome.record("governance.approved", on_time=item.closed_on_time)


def _assign(item: GovernanceItem, variables: Mapping[str, Any]) -> None:
    item.leader = variables.get("leader") or item.leader
    item.department = variables.get("department") or item.department
    item.responsible_person = variables.get("responsible_person") or item.responsible_person
    item.track = variables.get("track") or item.track
    if variables.get("due_on"):
        item.due_on = date.fromisoformat(str(variables["due_on"]))
    if variables.get("plan"):
        item.description = str(variables["plan"])


def _completed_form(outcome: Outcome) -> str | None:
    if not isinstance(outcome.command, CompleteTask):
        return None
    for row in outcome.closed_tasks:
        if row.id == outcome.command.task_id:
            return row.form_key
    return None
