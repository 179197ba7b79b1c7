from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime


class Category(Base):
    """The two-level content taxonomy (DOMAIN.md §8); editable data, seeded from taxonomy.json."""

    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("category.code"))
    default_department: Mapped[str | None] = mapped_column(ForeignKey("department.code"))
    restricted: Mapped[bool] = mapped_column(default=False)
    focus_tag: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Petition(Base):
    __tablename__ = "petition"
    __table_args__ = (
        Index("ix_petition_status_received", "status", "received_at"),
        Index("ix_petition_category_received", "category", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    request_type: Mapped[str] = mapped_column(String(20))
    statutory_class: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(ForeignKey("category.code"))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    petitioner_name: Mapped[str | None] = mapped_column(String(100))
    petitioner_phone: Mapped[str | None] = mapped_column(String(40))
    petitioner_kind: Mapped[str | None] = mapped_column(String(20))
    petitioner_id_sealed: Mapped[str | None] = mapped_column(Text)  # encrypted ID number
    anonymous: Mapped[bool] = mapped_column(default=False)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    # A group visit's chosen representatives (art. 18: at most 5); identity, shown like the petitioner's.
    representatives: Mapped[list[str] | None] = mapped_column(JSON)
    # A transferred item assigned (交办) by a higher body, which sets the days to report the result (D12).
    assigned_by: Mapped[str | None] = mapped_column(String(100))
    report_days: Mapped[int | None] = mapped_column(Integer)
    # A co-handling request is waiting for review or opinions (petitions/co_handling.py).
    co_request_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registered_by: Mapped[str] = mapped_column(String(60))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(40), default="registered", index=True)
    department: Mapped[str | None] = mapped_column(ForeignKey("department.code"), index=True)
    co_departments: Mapped[list[str]] = mapped_column(JSON, default=list)
    process_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)
    supervised: Mapped[bool] = mapped_column(default=False)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    reply_outcome: Mapped[str | None] = mapped_column(String(40))
    reply_text: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    satisfaction: Mapped[str | None] = mapped_column(String(30))
    evaluation_comment: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PetitionDepartment(Base):
    """Which departments a petition is routed to (lead or co-handling): the departments' view of it."""

    __tablename__ = "petition_department"
    __table_args__ = (UniqueConstraint("petition_id", "department_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # lead | co
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PetitionDocument(Base):
    """A written notice issued at a step of the procedure (DOMAIN.md §7)."""

    __tablename__ = "petition_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    for_petitioner: Mapped[bool] = mapped_column(default=True)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    template_version: Mapped[int | None] = mapped_column(Integer)  # 0 = the shipped default
