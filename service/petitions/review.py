"""Review (复查) and recheck (复核), 《信访工作条例》 arts. 35–36.

The higher bodies decide; the university registers the request within the statutory window,
forwards it, and records the outcome (processes/review.bpmn). A petitioner may ask for 复查 within
30 days of the written reply (D7) and for 复核 within 30 days of the 复查 opinion (D9). After 复核 the
same facts and reasons are not accepted again (D11): screening refuses to accept them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.db import Base, UTCDateTime
from service.engine.calendar import BusinessCalendar, as_moment
from service.engine.commands import Actor, StartInstance
from service.engine.models import HumanTask
from service.engine.runtime import Outcome, Runtime
from service.errors import Conflict
from service.petitions.codes import petition_by_code
from service.petitions.documents import NoticeSources
from service.petitions.models import Petition
from service.petitions.projection import business_key, issue_reached_documents, petition_of
from service.petitions.vocabulary import REPLIED_STATUSES, REVIEW_LEVELS

PROCESS_KEY = "review"
REVIEW, RECHECK = "review", "recheck"
LEVEL_LABELS = REVIEW_LEVELS


class PetitionReview(Base):
    __tablename__ = "petition_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    instance_id: Mapped[str] = mapped_column(String(36), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_via: Mapped[str] = mapped_column(String(20))  # public | office
    reason: Mapped[str] = mapped_column(Text)
    review_body: Mapped[str | None] = mapped_column(String(200))
    hearing_days: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str | None] = mapped_column(String(20))
    opinion: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final: Mapped[bool] = mapped_column(default=False)


@dataclass(frozen=True)
class ReviewWindow:
    """Whether the petitioner may ask now, for which level, and until when."""

    level: str | None
    until: datetime | None
    open: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "level_label": LEVEL_LABELS.get(self.level or ""),
            "until": self.until,
            "open": self.open,
            "reason": self.reason,
        }


def reviews_of(session: Session, petition_id: int) -> Sequence[PetitionReview]:
    return session.scalars(
        select(PetitionReview).where(PetitionReview.petition_id == petition_id).order_by(PetitionReview.id)
    ).all()


def review_window(
    session: Session, calendar: BusinessCalendar, petition: Petition, now: datetime
) -> ReviewWindow:
    existing = {r.level: r for r in reviews_of(session, petition.id)}
    if RECHECK in existing:
        return ReviewWindow(None, None, False, "已申请复核，复核意见为终结意见")
    if REVIEW in existing:
        review = existing[REVIEW]
        if review.decided_at is None:
            return ReviewWindow(None, None, False, "复查正在办理中")
        until = calendar.deadline("D9", review.decided_at).due_at
        return ReviewWindow(
            RECHECK, until, now <= until, "" if now <= until else "已超过请求复核的期限（三十日）"
        )
    if petition.replied_at is None:
        return ReviewWindow(None, None, False, "尚未出具书面答复意见")
    if petition.status not in REPLIED_STATUSES | {"closed"}:  # a 重办 replaces the reply a 复查 reviews
        return ReviewWindow(None, None, False, "事项正在重新办理，新的答复意见送达后可请求复查")
    until = calendar.deadline("D7", petition.replied_at).due_at
    return ReviewWindow(REVIEW, until, now <= until, "" if now <= until else "已超过请求复查的期限（三十日）")


def request_review(
    session: Session,
    *,
    runtime: Runtime,
    petition: Petition,
    actor: Actor,
    via: str,
    reason: str,
) -> str:
    """Register a 复查 or 复核 request inside its window (else Conflict); returns the instance id."""
    now = runtime.clock.now()
    window = review_window(session, runtime.calendar(), petition, now)
    if not window.open or window.level is None:
        raise Conflict(window.reason or "当前不能请求复查或复核")
    outcome = runtime.execute(
        StartInstance(
            model_key=PROCESS_KEY,
            actor=actor,
            business_key=business_key(petition.id),
            data={
                "petition_id": petition.id,
                "level": window.level,
                "requested_at": now.isoformat(),
                "requested_via": via,
                "reason": reason,
                "hearing_days": 0,
                "final": False,
            },
        ),
        session=session,
    )
    return outcome.instance.id


def is_final(session: Session, petition_id: int) -> bool:
    return (
        session.scalar(
            select(PetitionReview.id).where(
                PetitionReview.petition_id == petition_id, PetitionReview.final.is_(True)
            )
        )
        is not None
    )


def check_not_reaccepted(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    """Screening validator (D11): a matter closed by 复核 is not accepted again on the same facts."""
    if data.get("decision") == "not_accept":
        return {}
    earlier = petition_by_code(session, data.get("duplicate_of"))
    if earlier is not None and is_final(session, earlier.id):
        return {
            "decision": f"事项 {earlier.tracking_code} 已经复核终结，同一事实和理由不再受理"
            "（《信访工作条例》第三十六条），请选择“不予受理”并告知"
        }
    return {}


class ReviewProjection:
    def __init__(self, sources: NoticeSources) -> None:
        self._sources = sources

    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        petition = petition_of(session, outcome, PROCESS_KEY)
        if petition is None:
            return
        instance, variables = outcome.instance, outcome.variables
        row = session.scalar(select(PetitionReview).where(PetitionReview.instance_id == instance.id))
        if row is None:
            row = PetitionReview(
                petition_id=petition.id,
                instance_id=instance.id,
                level=str(variables["level"]),
                requested_at=as_moment(variables["requested_at"]),
                requested_via=str(variables["requested_via"]),
                reason=str(variables.get("reason", "")),
                hearing_days=0,
                final=False,
            )
            session.add(row)
            outcome.record("review.requested", level=row.level, via=row.requested_via)
        row.review_body = variables.get("review_body") or row.review_body
        row.hearing_days = int(variables.get("hearing_days") or 0)
        if outcome.ended and row.decided_at is None:
            row.decision, row.opinion = variables.get("review_decision"), variables.get("review_opinion")
            row.decided_at, row.final = outcome.now, bool(variables.get("final"))
            outcome.record(
                "review.decided", actor="system", level=row.level, decision=row.decision, final=row.final
            )
        issue_reached_documents(session, petition, outcome, self._sources)
