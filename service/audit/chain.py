"""Appending to the hash chains and verifying them.

Events form streams: each process instance has its own, and everything else (accounts, calendars,
deployments, rosters …) goes to the system stream. Each event's hash covers its own fields, its
stream and sequence number and its predecessor's hash, so altering, inserting or deleting any row
breaks every later link; each stream's head (the instance row, or `audit_head` for the system
stream) records the newest sequence number and hash, so deleting the tail is caught too.

Why streams: a single chain needs a single head, locked by every command until it commits, so
commands on unrelated petitions queued behind each other, and every command paid a read and a
write of that row. An instance's command already holds the instance row's lock and writes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, bindparam, column, insert, or_, select, table, tuple_, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from service.audit.models import GENESIS_HASH, SYSTEM_STREAM, AuditEvent, AuditHead
from service.db import table_of

_BATCH = 2000


@dataclass(frozen=True)
class PendingEvent:
    actor: str
    action: str
    instance_id: str | None = None
    business_key: str | None = None
    task_id: str | None = None
    element_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def to_json_value(data: Any) -> Any:
    """What a JSON column gives back, so the hash of a stored row equals the hash computed on write."""
    return json.loads(json.dumps(data, default=_json_default, ensure_ascii=False))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    return str(value)


_CONTENT = (
    "at",
    "actor",
    "action",
    "instance_id",
    "business_key",
    "task_id",
    "element_id",
    "data",
    "prev_hash",
)
# Events from before streams existed were hashed with their id; the others with stream and seq (their
# id is the database's, known only after the insert).
_HASHED_LEGACY = ("id", *_CONTENT)
_HASHED = ("stream", "seq", *_CONTENT)


def event_hash(event: AuditEvent) -> str:
    names = _HASHED_LEGACY if event.stream is None else _HASHED
    return _digest({name: getattr(event, name) for name in names})


def _digest(fields: dict[str, Any]) -> str:
    body = dict(fields, at=fields["at"].isoformat())
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class StreamHead(Protocol):
    """A process instance, locked by the command that appends to its stream."""

    id: str
    audit_seq: int
    audit_hash: str


# Built once, on the tables rather than the mapped classes: every command appends, and plain Core
# statements skip the ORM's bulk paths and the cost of building a statement each time.
_HEAD_TABLE = table_of(AuditHead)
_LOCK_HEAD = (
    select(_HEAD_TABLE.c.last_id, _HEAD_TABLE.c.last_hash).where(_HEAD_TABLE.c.id == 1).with_for_update()
)
_ADVANCE_HEAD = (
    update(_HEAD_TABLE)
    .where(_HEAD_TABLE.c.id == 1)
    .values(last_id=bindparam("new_last_id"), last_hash=bindparam("new_last_hash"))
)
# inline(): no implicit RETURNING of the new ids (nothing reads them), so on PostgreSQL the INSERT is
# queued in the unit of work's pipeline instead of waited for.
_INSERT_EVENTS = insert(table_of(AuditEvent)).inline()


def append(
    session: Session, events: Sequence[PendingEvent], *, at: datetime, head: StreamHead | None = None
) -> int:
    """Chain `events` to `head`'s stream (or the system stream) inside the caller's transaction.

    An instance's stream costs one INSERT: its head is updated on the instance object, which the
    command writes anyway. The system stream locks and advances `audit_head` (two statements more)."""
    if not events:
        return 0
    at = at.astimezone(UTC)  # the hash covers the stored (UTC) form, so verify() recomputes the same
    if head is not None:
        stream, last_seq, last_hash = head.id, head.audit_seq, head.audit_hash
    else:
        stream, (last_seq, last_hash) = SYSTEM_STREAM, _lock_system_head(session)
    rows = []
    for pending in events:
        row: dict[str, Any] = {
            "stream": stream,
            "seq": last_seq + 1,
            "at": at,
            "actor": pending.actor,
            "action": pending.action,
            "instance_id": pending.instance_id,
            "business_key": pending.business_key,
            "task_id": pending.task_id,
            "element_id": pending.element_id,
            "data": to_json_value(pending.data),
            "prev_hash": last_hash,
        }
        row["hash"] = _digest(row)
        last_seq, last_hash = row["seq"], row["hash"]
        rows.append(row)
    session.execute(_INSERT_EVENTS, rows)
    if head is not None:
        head.audit_seq, head.audit_hash = last_seq, last_hash
    else:
        session.execute(_ADVANCE_HEAD, {"new_last_id": last_seq, "new_last_hash": last_hash})
    return len(rows)


def _lock_system_head(session: Session) -> tuple[int, str]:
    head = session.execute(_LOCK_HEAD).one_or_none()
    if head is None:
        session.execute(insert(_HEAD_TABLE).values(id=1, last_id=0, last_hash=GENESIS_HASH))
        return 0, GENESIS_HASH
    return int(head[0]), str(head[1])


@dataclass(frozen=True)
class Verification:
    intact: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "checked": self.checked,
            "first_broken_id": self.first_broken_id,
            "reason": self.reason,
        }


# The instance rows that head the instance streams, by column name only: the audit package sits below
# the engine and does not import its models.
_INSTANCE_HEADS = table("process_instance", column("id"), column("audit_seq"), column("audit_hash"))


def verify(session: Session) -> Verification:
    """Walk every stream in order; report the first event whose link or content is wrong, or a stream
    whose end does not match its head."""
    walk = _Walk()
    return (
        _verify_system(session, walk) or _verify_instances(session, walk) or Verification(True, walk.checked)
    )


def _verify_system(session: Session, walk: _Walk) -> Verification | None:
    system = or_(AuditEvent.stream.is_(None), AuditEvent.stream == SYSTEM_STREAM)
    for event in _batches(session, system, (AuditEvent.id,)):
        # Events from before streams are numbered by their id, later ones by their seq.
        if broken := walk.step(SYSTEM_STREAM, event, event.id if event.stream is None else event.seq):
            return broken
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id, head.last_hash) != walk.end(SYSTEM_STREAM):
        return walk.tail_broken(SYSTEM_STREAM)
    return None


def _verify_instances(session: Session, walk: _Walk) -> Verification | None:
    heads = {
        row.id: (row.audit_seq, row.audit_hash)
        for row in session.execute(select(_INSTANCE_HEADS).where(_INSTANCE_HEADS.c.audit_seq > 0))
    }
    streams = and_(AuditEvent.stream.is_not(None), AuditEvent.stream != SYSTEM_STREAM)
    walk.stream = None
    for event in _batches(session, streams, (AuditEvent.stream, AuditEvent.seq)):
        finished = walk.stream if event.stream != walk.stream else None
        if finished is not None and heads.pop(finished, None) != walk.end(finished):
            return walk.tail_broken(finished)
        if broken := walk.step(str(event.stream), event, event.seq):
            return broken
    last = walk.stream
    if last is not None and heads.pop(last, None) != walk.end(last):
        return walk.tail_broken(last)
    if heads:  # a head whose events are all gone
        return walk.tail_broken(sorted(heads)[0])
    return None


@dataclass
class _Walk:
    """Where the walk is in the current stream: its number, the hash the next event must link to."""

    stream: str | None = None
    number: int = 0
    prev: str = GENESIS_HASH
    checked: int = 0

    def step(self, stream: str, event: AuditEvent, number: int | None) -> Verification | None:
        if stream != self.stream:
            self.stream, self.number, self.prev = stream, 0, GENESIS_HASH
        if number != self.number + 1:
            first = self.number + 1 if event.stream is None else event.id
            return Verification(
                False, self.checked, first, f"事件缺失（{_label(stream)} 第 {self.number + 1} 条）"
            )
        if event.prev_hash != self.prev:
            return Verification(False, self.checked, event.id, "与前一事件的链接不符")
        if event_hash(event) != event.hash:
            return Verification(False, self.checked, event.id, "事件内容与哈希不符（已被改动）")
        self.number, self.prev, self.checked = number, event.hash, self.checked + 1
        return None

    def end(self, stream: str) -> tuple[int, str]:
        """Where `stream` ended: (0, genesis) if the walk never saw it."""
        return (self.number, self.prev) if stream == self.stream else (0, GENESIS_HASH)

    def tail_broken(self, stream: str) -> Verification:
        return Verification(False, self.checked, None, f"链尾事件被删除（{_label(stream)} 与链头记录不符）")


def _label(stream: str) -> str:
    return "系统事件流" if stream == SYSTEM_STREAM else f"流程实例 {stream} 的事件流"


def _batches(
    session: Session, where: ColumnElement[bool], order: tuple[InstrumentedAttribute[Any], ...]
) -> Iterator[AuditEvent]:
    """The matching events in `order`, read a batch at a time (keyset paging, nothing held after)."""
    after: tuple[Any, ...] | None = None
    while True:
        statement = select(AuditEvent).where(where).order_by(*order).limit(_BATCH)
        if after is not None:
            statement = statement.where(tuple_(*order) > tuple_(*after))
        batch = session.execute(statement).scalars().all()
        if not batch:
            return
        yield from batch
        after = tuple(getattr(batch[-1], attribute.key) for attribute in order)
        session.expunge_all()
