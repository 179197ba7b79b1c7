"""Supervision (督办, 《信访工作条例》 art. 40): started when a supervised step is overdue, or by a
supervisor's decision; runs processes/supervision.bpmn beside the petition's own process."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.db import Base, UTCDateTime
from service.engine.commands import Actor, StartInstance
from service.engine.models import TASK_OPEN, HumanTask, ProcessInstance
from service.engine.runtime import Outcome, Runtime
from service.errors import Conflict
from service.petitions.documents import NoticeSources
from service.petitions.models import Petition
from service.petitions.projection import (
    business_key,
    issue_document,
    issue_reached_documents,
    petition_id_of,
    petition_of,
)
from service.petitions.vocabulary import CLOSED_STATUSES

PROCESS_KEY = "supervision"
OPEN, CLOSED = "open", "closed"


class Supervision(Base):
    __tablename__ = "supervision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    instance_id: Mapped[str] = mapped_column(String(36), unique=True)
    trigger: Mapped[str] = mapped_column(String(20))  # overdue | manual
    reason: Mapped[str] = mapped_column(Text)
    overdue_task_id: Mapped[str | None] = mapped_column(String(36))
    level: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    stage: Mapped[str | None] = mapped_column(String(40))
    started_by: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def open_supervision(session: Session, petition_id: int) -> Supervision | None:
    return session.scalar(
        select(Supervision).where(Supervision.petition_id == petition_id, Supervision.status == OPEN)
    )


def list_supervisions(
    session: Session,
    *,
    petition_id: int | None = None,
    status: str | None = None,
) -> Sequence[Supervision]:
    statement = select(Supervision).order_by(Supervision.started_at.desc())
    if petition_id is not None:
        statement = statement.where(Supervision.petition_id == petition_id)
    if status:
        statement = statement.where(Supervision.status == status)
    return session.scalars(statement).all()


def start_supervision(
    session: Session,
    *,
    runtime: Runtime,
    petition: Petition,
    actor: Actor,
    trigger: str,
    reason: str,
    overdue_task: HumanTask | None = None,
) -> str:
    """Start supervision of `petition` (one open supervision per petition); returns the instance id."""
    if petition.status in CLOSED_STATUSES:
        raise Conflict("已办结的事项不再督办")
    if open_supervision(session, petition.id) is not None:
        raise Conflict("该事项正在督办中")
    target = f"head@{petition.department}" if petition.department else "assessor@office"
    data = {
        "petition_id": petition.id,
        "trigger": trigger,
        "reason": reason,
        "department": petition.department,
        "target_group": target,
        "rounds": 0,
        "feedback_days": 30,
        "overdue_task_id": overdue_task.id if overdue_task else None,
        "overdue_task": overdue_task.title if overdue_task else None,
    }
    outcome = runtime.execute(
        StartInstance(
            model_key=PROCESS_KEY,
            actor=actor,
            business_key=business_key(petition.id),
            data=data,
        ),
        session=session,
    )
    return outcome.instance.id


def supervise_overdue(runtime: Runtime, *, as_of: datetime | None = None) -> int:
    """Start supervision for every petition with an overdue step marked `overdue: supervise`."""
    now = as_of or runtime.clock.now()
    started = 0
    with runtime.db.session() as session:
        candidates = session.execute(
            select(HumanTask, ProcessInstance.version_id)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .where(
                HumanTask.status == TASK_OPEN,
                HumanTask.due_at < now,
                # any process about a petition (its own, a leader's instruction follow-up, ...)
                ProcessInstance.business_key.like("petition:%"),
                ProcessInstance.model_key != PROCESS_KEY,
            )
            .order_by(HumanTask.due_at)
        ).all()
        overdue = [
            (task.id, petition_id_of(task.business_key))
            for task, version_id in candidates
            if runtime.versions.get(session, version_id)
            .elements.get(task.element_id, {})
            .get("properties", {})
            .get("overdue")
            == "supervise"
        ]
    for task_id, petition_id in overdue:
        if petition_id is None:
            continue
        with runtime.db.transaction() as session:
            petition = session.get(Petition, petition_id)
            task = session.get(HumanTask, task_id)
            if petition is None or task is None or task.status != TASK_OPEN:
                continue
            if open_supervision(session, petition_id) is not None or petition.status in CLOSED_STATUSES:
                continue
            start_supervision(
                session,
                runtime=runtime,
                petition=petition,
                actor=Actor.system("supervision"),
                trigger="overdue",
                reason=f"“{task.title}”已超过办理期限",
                overdue_task=task,
            )
            started += 1
    return started


class SupervisionProjection:
    """Keeps the `supervision` row and the petition's flag in step with a supervision process."""

    def __init__(self, sources: NoticeSources) -> None:
        self._sources = sources

    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        petition = petition_of(session, outcome, PROCESS_KEY)
        if petition is None:
            return
        instance, variables = outcome.instance, outcome.variables
        row = session.scalar(select(Supervision).where(Supervision.instance_id == instance.id))
        if row is None:
            row = Supervision(
                petition_id=petition.id,
                instance_id=instance.id,
                trigger=str(variables.get("trigger", "manual")),
                reason=str(variables.get("reason", "")),
                overdue_task_id=variables.get("overdue_task_id"),
                status=OPEN,
                started_by=outcome.command.actor.username,
                started_at=outcome.now,
            )
            session.add(row)
            petition.supervised = True
            outcome.record("petition.supervised", trigger=row.trigger, reason=row.reason)
            if row.trigger == "overdue":  # the ladder's first rung, the day after the due date
                issue_document(session, petition, "urge_notice", outcome, self._sources)
        row.level = variables.get("level") or row.level
        row.stage = instance.business_status
        if instance.business_status == "escalated" and row.escalated_at is None:
            row.escalated_at = outcome.now
            outcome.record("supervision.escalated", actor="system")
        if outcome.ended and row.status == OPEN:
            row.status, row.closed_at = CLOSED, outcome.now
            outcome.record("supervision.closed", actor="system")
        issue_reached_documents(session, petition, outcome, self._sources)
