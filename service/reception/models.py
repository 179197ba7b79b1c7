"""Tables of the reception domain: who is on duty, sessions and appointments, who owns a case, and the
leaders' instructions that are followed up (批示反馈). The petition table is never touched."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime

PLANNED, HELD, CANCELLED = "planned", "held", "cancelled"
BOOKED, ATTENDED, NO_SHOW = "booked", "attended", "no_show"
# How a leader came to own a case: received on their duty day, received in their session, or 包案.
DUTY, SESSION, PACKAGE = "duty", "session", "package"
OPEN, FED_BACK, ACKNOWLEDGED = "open", "fed_back", "acknowledged"


class DutyDay(Base):
    """One day of the duty roster: exactly one school leader receives visitors that day."""

    __tablename__ = "duty_roster"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    duty_date: Mapped[date] = mapped_column(Date, unique=True)
    leader_username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), index=True)
    note: Mapped[str | None] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReceptionSession(Base):
    """A leader's reception: 定点接访 (scheduled), 重点约访 (invited) or 带案下访 (field visit)."""

    __tablename__ = "reception_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # scheduled | invited | field
    leader_username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer, default=10)
    department_code: Mapped[str | None] = mapped_column(ForeignKey("department.code"))  # visited unit
    topic: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=PLANNED)  # planned | held | cancelled
    record: Mapped[str | None] = mapped_column(Text)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionCase(Base):
    """A petition a leader takes along on a field visit (带案下访), with what was done about it."""

    __tablename__ = "reception_session_case"
    __table_args__ = (UniqueConstraint("session_id", "petition_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("reception_session.id"), index=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)


class Appointment(Base):
    """An appointment (约访/预约) booked into a session."""

    __tablename__ = "reception_appointment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("reception_session.id"), index=True)
    petitioner_name: Mapped[str] = mapped_column(String(100))
    petitioner_phone: Mapped[str | None] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(500))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=BOOKED)  # booked | attended | no_show | cancelled
    outcome: Mapped[str | None] = mapped_column(Text)
    booked_by: Mapped[str] = mapped_column(String(60))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseOwnership(Base):
    """Which school leader a petition belongs to, and since when (history is kept).

    `active_petition_id` equals `petition_id` while the ownership is current and is NULL once it
    ended, so a unique constraint on it allows one current leader per petition on every database."""

    __tablename__ = "case_ownership"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    active_petition_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    leader_username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # duty | session | package
    duty_date: Mapped[date | None] = mapped_column(Date)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("reception_session.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(60))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(60))
    end_reason: Mapped[str | None] = mapped_column(String(200))


class Instruction(Base):
    """A leader's instruction (批示) on a received case, followed up within 7 working days."""

    __tablename__ = "reception_instruction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    leader_username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    text: Mapped[str] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("reception_session.id"))
    instructed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    feedback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)  # open | fed_back | acknowledged
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_by: Mapped[str | None] = mapped_column(String(60))
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
