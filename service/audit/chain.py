"""Appending to the hash chain and verifying it.

Each event's hash covers its own fields and its predecessor's hash, so altering, inserting or
deleting any row breaks every later link. The head row records the newest id and hash, so
deleting the tail is caught too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from service.audit.models import GENESIS_HASH, AuditEvent, AuditHead
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


_HASHED = (
    "id",
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


def event_hash(event: AuditEvent) -> str:
    return _digest({name: getattr(event, name) for name in _HASHED})


def _digest(fields: dict[str, Any]) -> str:
    body = dict(fields, at=fields["at"].isoformat())
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
_INSERT_EVENTS = insert(table_of(AuditEvent))


def append(session: Session, events: Sequence[PendingEvent], *, at: datetime) -> int:
    """Chain `events` after the current head, inside the caller's transaction; return how many.

    Plain Core statements (lock the head row, one multi-row INSERT, one UPDATE): this runs in every
    command, and the ORM's unit of work would cost more than the SQL."""
    if not events:
        return 0
    at = at.astimezone(UTC)  # the hash covers the stored (UTC) form, so verify() recomputes the same
    head = session.execute(_LOCK_HEAD).one_or_none()
    if head is None:
        session.execute(insert(_HEAD_TABLE).values(id=1, last_id=0, last_hash=GENESIS_HASH))
        last_id, last_hash = 0, GENESIS_HASH
    else:
        last_id, last_hash = head
    rows = []
    for pending in events:
        row: dict[str, Any] = {
            "id": last_id + 1,
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
        last_id, last_hash = row["id"], row["hash"]
        rows.append(row)
    session.execute(_INSERT_EVENTS, rows)
    session.execute(_ADVANCE_HEAD, {"new_last_id": last_id, "new_last_hash": last_hash})
    return len(rows)


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


def verify(session: Session) -> Verification:
    """Walk the whole chain in id order; report the first event whose link or content is wrong."""
    expected_prev, expected_id, checked = GENESIS_HASH, 1, 0
    last_seen = 0
    while True:
        batch = (
            session.execute(
                select(AuditEvent).where(AuditEvent.id > last_seen).order_by(AuditEvent.id).limit(_BATCH)
            )
            .scalars()
            .all()
        )
        if not batch:
            break
        for event in batch:
            if event.id != expected_id:
                return Verification(False, checked, expected_id, f"事件 {expected_id} 缺失")
            if event.prev_hash != expected_prev:
                return Verification(False, checked, event.id, "与前一事件的链接不符")
            if event_hash(event) != event.hash:
                return Verification(False, checked, event.id, "事件内容与哈希不符（已被改动）")
            expected_prev, expected_id, checked = event.hash, event.id + 1, checked + 1
        last_seen = batch[-1].id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id != checked or head.last_hash != expected_prev):
        return Verification(False, checked, checked + 1, "链尾事件被删除（与链头记录不符）")
    return Verification(True, checked)
