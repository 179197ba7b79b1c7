"""The inbox: a user's notifications, unread count, marking read; and a user's e-mail address."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.errors import Invalid, NotFound
from service.notifications.models import Notification, UserContact

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def list_inbox(
    session: Session, *, username: str, unread_only: bool = False, page: int = 1, per_page: int = 50
) -> tuple[Sequence[Notification], int]:
    """Newest first, and how many match."""
    statement = select(Notification).where(Notification.recipient == username)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    total = session.scalar(statement.with_only_columns(func.count(Notification.id))) or 0
    items = session.scalars(
        statement.order_by(Notification.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return items, int(total)


def unread_count(session: Session, *, username: str) -> int:
    statement = select(func.count(Notification.id)).where(
        Notification.recipient == username, Notification.read_at.is_(None)
    )
    return int(session.scalar(statement) or 0)


def mark_read(session: Session, *, username: str, notification_id: int, now: datetime) -> Notification:
    """Mark one of the user's own notifications read; someone else's is "not found", not "forbidden"."""
    row = session.get(Notification, notification_id)
    if row is None or row.recipient != username:
        raise NotFound(f"没有编号为 {notification_id} 的通知")
    if row.read_at is None:
        row.read_at = now
    return row


def mark_all_read(session: Session, *, username: str, now: datetime) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.recipient == username, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def get_email(session: Session, *, username: str) -> str | None:
    row = session.get(UserContact, username)
    return row.email if row is not None else None


def set_email(session: Session, *, username: str, email: str | None, now: datetime) -> str | None:
    """Set (or with None/"" remove) where the user's reminders are e-mailed."""
    row = session.get(UserContact, username)
    if not email:
        if row is not None:
            session.delete(row)
        return None
    email = email.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise Invalid("邮箱地址有误", errors={"email": "请输入有效的电子邮箱地址"})
    if row is None:
        row = UserContact(username=username, email=email, updated_at=now)
        session.add(row)
    row.email, row.updated_at = email, now
    return email
