"""Searching the audit trail: filters, stable paging by id, and batched reads for large exports."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from service.audit.models import AuditEvent
from service.clock import LOCAL_TZ
from service.errors import Invalid

PETITION_KEY = "petition:"
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class AuditFilter:
    """`action` matches exactly, or as a prefix when it ends with "." (e.g. "task.").
    `actors` matches any of these usernames; `instance_or_task` an instance or a task id."""

    actor: str | None = None
    petition_id: int | None = None
    action: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    actors: frozenset[str] | None = None
    instance_or_task: str | None = None

    def apply(self, statement: Select[AuditEvent]) -> Select[AuditEvent]:
        if self.actor:
            statement = statement.where(AuditEvent.actor == self.actor)
        if self.actors is not None:
            statement = statement.where(AuditEvent.actor.in_(sorted(self.actors)))
        if self.instance_or_task:
            ref = self.instance_or_task
            statement = statement.where(or_(AuditEvent.instance_id == ref, AuditEvent.task_id == ref))
        if self.petition_id is not None:
            statement = statement.where(AuditEvent.business_key == f"{PETITION_KEY}{self.petition_id}")
        if self.action and self.action.endswith("."):
            statement = statement.where(AuditEvent.action.startswith(self.action, autoescape=True))
        elif self.action:
            statement = statement.where(AuditEvent.action == self.action)
        if self.since is not None:
            statement = statement.where(AuditEvent.at >= self.since)
        if self.until is not None:
            statement = statement.where(AuditEvent.at < self.until)
        return statement

    def as_dict(self) -> dict[str, Any]:
        """The conditions that are set, JSON-ready (what an export asked for, on the access log)."""
        values: dict[str, Any] = {
            "actor": self.actor,
            "actors": sorted(self.actors) if self.actors is not None else None,
            "petition_id": self.petition_id,
            "action": self.action,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "instance_or_task": self.instance_or_task,
        }
        return {name: value for name, value in values.items() if value is not None}


def parse_bound(text: str | None, *, field: str, end: bool = False) -> datetime | None:
    """An ISO date or moment from a query string; no offset means Asia/Shanghai.

    A bare date as the end of a range includes that whole day."""
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), LOCAL_TZ)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("查询条件有误", errors={field: f"{text} 不是 ISO-8601 日期或时间"}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def make_filter(
    *,
    actor: str | None = None,
    petition_id: int | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    actors: Collection[str] | None = None,
    instance_or_task: str | None = None,
) -> AuditFilter:
    start = parse_bound(since, field="from")
    end = parse_bound(until, field="to", end=True)
    if start is not None and end is not None and end <= start:
        raise Invalid("查询条件有误", errors={"to": "结束时间须晚于开始时间"})
    return AuditFilter(
        actor or None,
        petition_id,
        action or None,
        start,
        end,
        frozenset(actors) if actors is not None else None,
        instance_or_task or None,
    )


def count_events(session: Session, audit_filter: AuditFilter) -> int:
    return _count(session, audit_filter.apply(select(AuditEvent)))


def list_events(
    session: Session, audit_filter: AuditFilter, *, page: int = 1, per_page: int = 50
) -> Sequence[AuditEvent]:
    """One page, oldest first; ids never change, so pages are stable while the trail grows."""
    statement = audit_filter.apply(select(AuditEvent)).order_by(AuditEvent.id)
    return session.scalars(statement.offset((page - 1) * per_page).limit(per_page)).all()


def newest_events(
    session: Session, audit_filter: AuditFilter, *, before: int | None = None, limit: int
) -> list[AuditEvent]:
    """Up to `limit` matching events, newest first, older than the event `before` when given."""
    statement = audit_filter.apply(select(AuditEvent))
    if before is not None:
        statement = statement.where(AuditEvent.id < before)
    return list(session.scalars(statement.order_by(AuditEvent.id.desc()).limit(limit)))


@dataclass(frozen=True)
class EventPage:
    """One page of the newest-first list; `first` is the 1-based place of its first event."""

    events: list[AuditEvent]
    total: int
    first: int
    newer: bool  # there are matching events newer than this page
    older: bool  # … and older ones


def page_events(
    session: Session,
    audit_filter: AuditFilter,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = 50,
) -> EventPage:
    """A page of matching events, newest first, by keyset on the id: `before` an id gives the page
    of older events, `after` an id the page of newer ones, neither the newest. Ids never change,
    so a page stays put while the trail grows; a cursor past either end gives the newest page."""
    matching = audit_filter.apply(select(AuditEvent))
    if after is not None:
        rows = session.scalars(
            matching.where(AuditEvent.id > after).order_by(AuditEvent.id).limit(size)
        ).all()
        events = list(reversed(rows)) if len(rows) == size else []
    else:
        events = newest_events(session, audit_filter, before=before, limit=size)
    if not events and (before is not None or after is not None):
        events = newest_events(session, audit_filter, limit=size)
    total = count_events(session, audit_filter)
    if not events:
        return EventPage([], total, 0, newer=False, older=False)
    newer = _count(session, matching.where(AuditEvent.id > events[0].id))
    older = matching.where(AuditEvent.id < events[-1].id).with_only_columns(AuditEvent.id).limit(1)
    return EventPage(events, total, newer + 1, newer=newer > 0, older=session.scalar(older) is not None)


def _count(session: Session, statement: Select[AuditEvent]) -> int:
    return int(session.scalar(statement.with_only_columns(func.count(AuditEvent.id))) or 0)


def iter_events(
    session: Session, audit_filter: AuditFilter, *, batch: int = EXPORT_BATCH
) -> Iterator[AuditEvent]:
    """Every matching event in id order, read in batches (keyset paging), for exports of any size."""
    last_id = 0
    while True:
        statement = audit_filter.apply(select(AuditEvent)).where(AuditEvent.id > last_id)
        rows = session.scalars(statement.order_by(AuditEvent.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def petition_id_of(business_key: str | None) -> int | None:
    if business_key and business_key.startswith(PETITION_KEY):
        tail = business_key.removeprefix(PETITION_KEY)
        return int(tail) if tail.isdigit() else None
    return None
