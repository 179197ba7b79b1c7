"""Tables this package owns. It never adds columns to the engine's or identity's tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime

KIND_DUE_SOON = "task_due_soon"
KIND_OVERDUE = "task_overdue"


class Notification(Base):
    """One message in one user's inbox."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_inbox", "recipient", "read_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    petition_id: Mapped[int | None] = mapped_column(Integer)
    business_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TaskReminder(Base):
    """That a task got its reminder of one kind (before the due date, or overdue): once per task."""

    __tablename__ = "task_reminder"
    __table_args__ = (UniqueConstraint("task_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer)
    reminded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserContact(Base):
    """Where to e-mail a user (app_user has no e-mail column)."""

    __tablename__ = "user_contact"

    username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


_PETITION_KEY = "petition:"


def petition_id_of(business_key: str | None) -> int | None:
    """The petition a task belongs to, from its business key (`petition:<id>`), for the inbox link."""
    if business_key and business_key.startswith(_PETITION_KEY):
        tail = business_key.removeprefix(_PETITION_KEY)
        return int(tail) if tail.isdigit() else None
    return None
