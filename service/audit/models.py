"""The append-only, hash-chained audit trail. Only the engine runtime and `record()` write it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime

GENESIS_HASH = "0" * 64


SYSTEM_STREAM = "system"


class AuditEvent(Base):
    """One event in a stream: a process instance's own (`stream` = its id, headed by the instance row)
    or the system stream (everything else, headed by `audit_head`). Events written before streams
    existed have no stream: they are the start of the system stream, hashed with their id."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_stream_seq", "stream", "seq", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    business_key: Mapped[str | None] = mapped_column(String(100), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str | None] = mapped_column(String(36))
    seq: Mapped[int | None] = mapped_column(Integer)


class AuditHead(Base):
    """One row: the system stream's newest event (`last_id` is its sequence number). Locking it
    serialises system appends; instance streams are headed by their instance row instead."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
