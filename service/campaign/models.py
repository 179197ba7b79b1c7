"""Tables of the campaign domain. The process instance holds the flow; these rows hold what people
entered and what the dashboard reads (phases, the leading group, screening rounds and reports, hot
issues raised, the rectification list and typical cases). The campaign projection keeps them in step
with the instance inside the runtime's transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime

RUNNING, COMPLETED, CANCELLED = "running", "completed", "cancelled"
PENDING, ACTIVE = "pending", "active"
OPEN, SUBMITTED = "open", "submitted"
COLLECTING, REVIEWING, DONE = "collecting", "reviewing", "done"


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default=RUNNING, index=True)
    office_department: Mapped[str] = mapped_column(ForeignKey("department.code"))
    office_director: Mapped[str] = mapped_column(ForeignKey("app_user.username"))
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    started_by: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The approved summary: text, mechanisms and the metrics of the campaign period, frozen at approval.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CampaignPhase(Base):
    """One of the four phases with the dates the plan gave it, and how it actually went."""

    __tablename__ = "campaign_phase"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    key: Mapped[str] = mapped_column(String(20))  # plan | mobilisation | implementation | summary
    position: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)  # pending | active | completed
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when its deadline timer fired
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what its tasks recorded


class CampaignMember(Base):
    """The leading group (领导小组): 组长, 副组长, members (units) and the office's director."""

    __tablename__ = "campaign_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # leader | deputy | member | office_director
    name: Mapped[str] = mapped_column(String(100))
    username: Mapped[str | None] = mapped_column(ForeignKey("app_user.username"))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("department.code"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ScreeningRound(Base):
    """One monthly conflict screening (矛盾纠纷排查), opened by the diagram's cycle timer."""

    __tablename__ = "campaign_screening_round"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=COLLECTING)  # collecting | reviewing | done
    review_task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(60))
    review: Mapped[str | None] = mapped_column(Text)


class ScreeningReport(Base):
    """A department's report for one round: one user task each."""

    __tablename__ = "campaign_screening_report"
    __table_args__ = (UniqueConstraint("round_id", "department_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("campaign_screening_round.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)  # open | submitted | cancelled
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(60))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disputes_found: Mapped[int | None] = mapped_column(Integer)
    disputes_resolved: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HotIssue(Base):
    """A hot issue the office found in a round, and the governance item it became."""

    __tablename__ = "campaign_hot_issue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_screening_round.id"))
    title: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    leader_username: Mapped[str | None] = mapped_column(ForeignKey("app_user.username"))
    governance_item_id: Mapped[str | None] = mapped_column(String(40))
    raised_by: Mapped[str] = mapped_column(String(60))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Rectification(Base):
    """One line of the summary phase's rectification list (整改清单)."""

    __tablename__ = "campaign_rectification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    problem: Mapped[str] = mapped_column(String(500))
    measure: Mapped[str] = mapped_column(String(1000))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("department.code"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)  # open | done
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TypicalCase(Base):
    """A petition chosen as a typical case (典型案例) in the summary."""

    __tablename__ = "campaign_typical_case"
    __table_args__ = (UniqueConstraint("campaign_id", "petition_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"))
    chosen_by: Mapped[str] = mapped_column(String(60))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)
