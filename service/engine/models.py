"""Tables the engine owns: deployed versions, instances and their projections.

Projections (`human_task`, `deadline`, the instance's element lists) are written by the runtime in
the same transaction as the instance state, so lists and searches never read the workflow blob.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.audit.models import GENESIS_HASH
from service.db import Base, UTCDateTime

INSTANCE_RUNNING = "running"
INSTANCE_COMPLETED = "completed"
INSTANCE_CANCELLED = "cancelled"

TASK_OPEN = "open"
TASK_COMPLETED = "completed"
TASK_CANCELLED = "cancelled"


class ProcessModel(Base):
    __tablename__ = "process_model"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="bpmn")  # bpmn | dmn
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessModelVersion(Base):
    """One immutable, content-hashed deployment of a model (its XML and the forms it was deployed with)."""

    __tablename__ = "process_model_version"
    __table_args__ = (
        UniqueConstraint("model_key", "version"),
        UniqueConstraint("model_key", "sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_key: Mapped[str] = mapped_column(ForeignKey("process_model.key"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decisions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # decision id → DMN version id
    elements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # element id → {type, name}
    deployed_by: Mapped[str] = mapped_column(String(100))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessInstance(Base):
    __tablename__ = "process_instance"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    model_key: Mapped[str] = mapped_column(String(100), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_model_version.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default=INSTANCE_RUNNING, index=True)
    business_status: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    completed_elements: Mapped[list[str]] = mapped_column(JSON, default=list)
    active_elements: Mapped[list[str]] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The head of this instance's audit stream (service/audit/chain.py): the command that changes the
    # instance already holds its row lock and writes its row, so chaining its events costs nothing more.
    audit_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    audit_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH, server_default=GENESIS_HASH)


class HumanTask(Base):
    """An open or finished user task, as people see it in their task lists."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_open_group", "status", "candidate_group"),
        Index("ix_human_task_open_assignee", "status", "assignee"),
        # An instance's open tasks, without walking the finished ones of a long-lived loop.
        Index("ix_human_task_instance_status", "instance_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the engine's task id
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(String(100), index=True)
    element_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str] = mapped_column(String(100))
    candidate_group: Mapped[str | None] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=TASK_OPEN)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deadline_rule: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(100))


class Recusal(Base):
    """Someone who stepped aside from a matter (回避, art. 28; see engine/recusal.py)."""

    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("matter", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter: Mapped[str] = mapped_column(String(100))  # the business key, or the instance id without one
    username: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"))  # where it was declared
    reason: Mapped[str] = mapped_column(Text)
    recused_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeadlineRecord(Base):
    """Every deadline the engine computed, with the rule and the calendar data it used."""

    __tablename__ = "deadline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    provisional: Mapped[bool] = mapped_column(default=False)
    calendar: Mapped[str] = mapped_column(String(100))
    # active → met (done by due_at) | late (done after due_at) | closed (the task was cancelled)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


TIMER_PENDING = "pending"
TIMER_FIRED = "fired"
TIMER_CANCELLED = "cancelled"
TIMER_INCIDENT = "incident"


class Timer(Base):
    """A waiting timer event. The sweeper takes due rows and fires each through the runtime."""

    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_pending_due", "status", "due_at"), UniqueConstraint("task_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(100))
    business_key: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # date | cycle
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=TIMER_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    fired_count: Mapped[int] = mapped_column(Integer, default=0)
    # When the due moment came from a statutory rule computed without that year's calendar data.
    deadline_rule: Mapped[str | None] = mapped_column(String(40))
    provisional: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
