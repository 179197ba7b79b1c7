"""Reception's runtime listener: what happens to petitions and to follow-ups, in the same transaction.

* A petition process starts for a visit (`channel` visit or reception): the school leader on the duty
  roster for the day it was received becomes its owner (`duty`). No one on the roster that day: the
  audit trail says so, and the office can assign one.
* A petition process reaches a closed status or ends: its current owner is released.
* Screening marks a petition urgent (紧急, art. 25: a safety risk or a major matter): today's duty
  leader gets an inbox alert at once; with no one on the roster the audit trail says so.
* The follow-up process of a leader's instruction (批示反馈) fills in the instruction's deadline,
  the department's feedback and the leader's acknowledgement.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.clock import LOCAL_TZ
from service.engine.commands import CompleteTask, StartInstance
from service.engine.runtime import Outcome
from service.identity.models import User
from service.identity.roles import LEADER
from service.notifications.models import Notification
from service.petitions.models import Petition
from service.petitions.projection import petition_id_of
from service.petitions.vocabulary import CLOSED_STATUSES
from service.reception import roster
from service.reception import service as ownership
from service.reception.models import ACKNOWLEDGED, DUTY, FED_BACK, Instruction

PETITION_PROCESS = "petition"
FOLLOW_UP_PROCESS = "reception_followup"
VISIT_CHANNELS = frozenset({"visit", "reception"})
FORM_FEEDBACK = "reception_feedback"
FORM_ACKNOWLEDGE = "reception_acknowledge"
FORM_SCREENING = "screening"
KIND_URGENT = "urgent_petition"


class ReceptionProjection:
    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        petition_id = petition_id_of(outcome.instance.business_key)
        if petition_id is None:
            return
        if outcome.instance.model_key == PETITION_PROCESS:
            self._petition(session, petition_id, outcome)
        elif outcome.instance.model_key == FOLLOW_UP_PROCESS:
            self._follow_up(session, outcome)

    @staticmethod
    def _petition(session: Session, petition_id: int, outcome: Outcome) -> None:
        command = outcome.command
        if isinstance(command, StartInstance) and command.data.get("channel") in VISIT_CHANNELS:
            _assign_duty_leader(session, petition_id, command.data, outcome)
        if isinstance(command, CompleteTask) and command.data.get("urgency") == "urgent":
            _alert_if_screened_urgent(session, petition_id, command, outcome)
        if outcome.ended or outcome.instance.business_status in CLOSED_STATUSES:
            ownership.end_for_closed(session, petition_id=petition_id, now=outcome.now, events=outcome.events)

    @staticmethod
    def _follow_up(session: Session, outcome: Outcome) -> None:
        instruction = session.scalar(
            select(Instruction).where(Instruction.process_instance_id == outcome.instance.id)
        )
        if instruction is None and isinstance(outcome.command, StartInstance):
            instruction = session.get(Instruction, outcome.command.data.get("instruction_id"))
            if instruction is not None:
                instruction.process_instance_id = outcome.instance.id
        if instruction is None:
            return
        for row in outcome.created_tasks:
            if row.form_key == FORM_FEEDBACK and instruction.feedback_due_at is None:
                instruction.feedback_due_at = row.due_at
        if not isinstance(outcome.command, CompleteTask):
            return
        completed = next((row for row in outcome.closed_tasks if row.id == outcome.command.task_id), None)
        data = outcome.command.data
        if completed is not None and completed.form_key == FORM_FEEDBACK:
            instruction.status, instruction.feedback = FED_BACK, str(data.get("feedback") or "")
            instruction.feedback_by, instruction.feedback_at = outcome.command.actor.username, outcome.now
        elif completed is not None and completed.form_key == FORM_ACKNOWLEDGE:
            instruction.status, instruction.acknowledged_at = ACKNOWLEDGED, outcome.now


def _assign_duty_leader(
    session: Session, petition_id: int, data: Mapping[str, Any], outcome: Outcome
) -> None:
    petition = session.get(Petition, petition_id)
    if petition is None:
        return
    received = data.get("received_at")
    moment = datetime.fromisoformat(received) if isinstance(received, str) else petition.received_at
    day = moment.astimezone(LOCAL_TZ).date()
    leader = roster.duty_leader_on(session, day)
    if leader is None:
        outcome.record("case.no_duty_leader", actor="system", duty_date=day)
        return
    ownership.assign(
        session,
        petition=petition,
        leader=leader,
        kind=DUTY,
        actor="system",
        now=outcome.now,
        duty_date=day,
        events=outcome.events,
    )


def _alert_if_screened_urgent(
    session: Session, petition_id: int, command: CompleteTask, outcome: Outcome
) -> None:
    screened = any(r.id == command.task_id and r.form_key == FORM_SCREENING for r in outcome.closed_tasks)
    petition = session.get(Petition, petition_id)
    if not screened or petition is None:
        return
    day = outcome.now.astimezone(LOCAL_TZ).date()
    # Art. 25 wants a leader told at once: the one on duty; on a day nobody is (a weekend), the
    # leader who owns the case, else every school leader.
    duty = roster.duty_leader_on(session, day)
    owner = None if duty else ownership.case_leader_of(session, petition_id)
    leaders = [duty] if duty else [owner] if owner else _school_leaders(session)
    if not leaders:
        outcome.record("petition.urgent_unalerted", actor="system", duty_date=day)
        return
    session.add_all(
        Notification(
            recipient=leader,
            kind=KIND_URGENT,
            title=f"紧急信访事项：{petition.title}",
            body=f"{petition.tracking_code} 经研判为紧急事项，请{'值班' if duty else ''}校领导即时关注。",
            link=f"/work/petitions/{petition_id}",
            petition_id=petition_id,
            business_key=outcome.instance.business_key,
            created_at=outcome.now,
        )
        for leader in leaders
    )
    reached = "duty" if duty else "case_leader" if owner else "all_leaders"
    outcome.record(
        "petition.urgent_alerted", actor="system", leader=", ".join(leaders), reached=reached, duty_date=day
    )


def _school_leaders(session: Session) -> list[str]:
    found = select(User.username).where(User.role == LEADER, User.active.is_(True)).order_by(User.username)
    return list(session.scalars(found))
