"""Tables of the governance domain: items (集中共性问题), their links and reports, metric snapshots,
each petition's text profile and the duplicate proposals made at registration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime
from service.engine.models import HumanTask
from service.petitions.models import Petition
from service.petitions.supervision import Supervision


class GovernanceItem(Base):
    """A concentrated problem given a leader, a department, a person and a deadline (DOMAIN.md §11)."""

    __tablename__ = "governance_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(100), index=True)  # manual | hot_issue | campaign:<id>
    category: Mapped[str | None] = mapped_column(String(60))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    leader: Mapped[str | None] = mapped_column(String(60))  # 包抓领导 (username)
    department: Mapped[str | None] = mapped_column(ForeignKey("department.code"), index=True)  # 责任部门
    responsible_person: Mapped[str | None] = mapped_column(String(60))  # 责任人 (username)
    due_on: Mapped[date | None] = mapped_column(Date)  # 解决时限
    track: Mapped[str | None] = mapped_column(String(20))  # immediate (立行立改) | ongoing (持续推进)
    status: Mapped[str] = mapped_column(String(30), default="proposed", index=True)
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    resolution: Mapped[str | None] = mapped_column(Text)
    typical_case: Mapped[str | None] = mapped_column(Text)  # 典型案例
    mechanism: Mapped[str | None] = mapped_column(Text)  # 长效机制
    opened_by: Mapped[str] = mapped_column(String(60))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on_time: Mapped[bool | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GovernanceLink(Base):
    """A petition that belongs to a governance item: its public timeline shows the fix."""

    __tablename__ = "governance_link"
    __table_args__ = (UniqueConstraint("item_id", "petition_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("governance_item.id"), index=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    linked_by: Mapped[str] = mapped_column(String(60))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GovernanceReport(Base):
    """A progress report, a closure request or the leader's review of a governance item."""

    __tablename__ = "governance_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("governance_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # progress | closure | review
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class MetricsSnapshot(Base):
    """The metrics of one period, computed by the periodic job (or on demand) and kept."""

    __tablename__ = "metrics_snapshot"
    __table_args__ = (UniqueConstraint("kind", "period_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # week | month
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # inclusive last day
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class PetitionProfile(Base):
    """A petition's segmented text (term → count) and its follow-up answer, kept for analytics."""

    __tablename__ = "petition_profile"
    __table_args__ = (Index("ix_petition_profile_petitioner_received", "petitioner_key", "received_at"),)

    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    petitioner_key: Mapped[str | None] = mapped_column(String(64))  # hash of phone or name (never shown)
    terms: Mapped[dict[str, int]] = mapped_column(JSON)
    resolved: Mapped[bool | None] = mapped_column()  # 已解决 at follow-up (for 解决率)


class DuplicateProposal(Base):
    """A likely duplicate found at registration, proposed to the assessor for merging."""

    __tablename__ = "duplicate_proposal"
    __table_args__ = (UniqueConstraint("petition_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("petition.id"))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed | merged | dismissed
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Indexes the analytics need on other domains' tables (periods are ranges over these columns). They
# are declared here, by the domain that reads them this way, and created by its migration.
Index("ix_petition_received_at", Petition.received_at)
Index("ix_petition_closed_at", Petition.closed_at)
Index("ix_human_task_form_created", HumanTask.form_key, HumanTask.created_at)
Index("ix_supervision_started_at", Supervision.started_at)
