"""Bulk writing of synthetic petitions with their projections, for tests and benchmarks.

These rows are written with plain INSERTs, NOT through the runtime: a synthetic petition gets a
petition row, a stand-in process instance (no workflow state), the deadline, task, supervision and
document rows the metrics read, and its text profile. Only hand-made test sets and `petitionflow
synth` use this; real petitions always go through the runtime.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from service.engine.models import DeadlineRecord, HumanTask, ProcessInstance, ProcessModelVersion
from service.governance.models import PetitionProfile
from service.governance.text import term_bag
from service.petitions.models import Petition, PetitionDepartment, PetitionDocument
from service.petitions.supervision import Supervision

CLOSED_STATUS_OF_INSTANCE = {"closed", "not_accepted", "redirected", "merged"}


@dataclass
class Clock:
    """A deadline clock of a synthetic petition: its rule, due moment and how it ended."""

    rule: str
    due_at: datetime
    status: str  # active | met | late
    met_at: datetime | None = None


@dataclass
class Dispatch:
    """A 签收 task: dispatched to `department`, answered at `completed_at` (None = still open)."""

    department: str
    created_at: datetime
    due_at: datetime
    completed_at: datetime | None
    returned: bool = False


@dataclass
class SyntheticPetition:
    title: str
    content: str
    category: str
    channel: str
    request_type: str
    received_at: datetime
    status: str = "screening"
    department: str | None = None
    petitioner_name: str | None = "测试人"
    petitioner_phone: str | None = None
    closed_at: datetime | None = None
    satisfaction: str | None = None
    resolved: bool | None = None
    duplicate_of: int | None = None  # index into the same batch
    supervised_at: datetime | None = None
    direct_answer: bool = False  # a 接诉即办 direct reply (`direct_reply` notice) was issued
    reply_opinion: bool = False  # a written reply of normal handling (`reply_opinion` notice) was issued
    statutory_class: str | None = None  # proposal | accusation | claim | none, as screening sets it
    clocks: list[Clock] = field(default_factory=list)
    dispatches: list[Dispatch] = field(default_factory=list)
    tracking_code: str | None = None


def petitioner_key(name: str | None, phone: str | None) -> str | None:
    """A one-way key of who petitioned (phone, else name), to find one person's earlier petitions."""
    basis = (phone or "").strip() or (name or "").strip()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32] if basis else None


def _petition_version(session: Session) -> int:
    version = session.scalar(
        select(func.max(ProcessModelVersion.id)).where(ProcessModelVersion.model_key == "petition")
    )
    if version is None:
        raise LookupError("the petition process is not deployed")
    return int(version)


def insert_petitions(
    session: Session,
    batch: Sequence[SyntheticPetition],
    *,
    bags: Sequence[dict[str, int]] | None = None,
    earlier_ids: Sequence[int] = (),
) -> list[int]:
    """Insert `batch` and everything the analytics read about it; returns the petition ids.
    `bags` are the petitions' term bags when already segmented (else they are segmented here);
    `duplicate_of` indexes count from the start of `earlier_ids` (ids of batches inserted before)."""
    version_id = _petition_version(session)
    instances: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(batch):
        instance_id = str(uuid.uuid4())
        ended = item.status in CLOSED_STATUS_OF_INSTANCE
        instances.append(
            {
                "id": instance_id,
                "model_key": "petition",
                "version_id": version_id,
                "business_key": None,
                "status": "completed" if ended else "running",
                "business_status": item.status,
                "state": {},
                "completed_elements": [],
                "active_elements": [],
                "revision": 1,
                "started_by": "synth",
                "started_at": item.received_at,
                "updated_at": item.closed_at or item.received_at,
                "ended_at": item.closed_at if ended else None,
            }
        )
        rows.append(_petition_row(item, instance_id, index))
    session.execute(insert(ProcessInstance), instances)
    ids = [
        int(i)
        for i in session.scalars(insert(Petition).returning(Petition.id, sort_by_parameter_order=True), rows)
    ]
    session.execute(
        update(ProcessInstance),
        [{"id": i["id"], "business_key": f"petition:{pid}"} for pid, i in zip(ids, instances, strict=True)],
    )
    _children(session, batch, ids, [i["id"] for i in instances], bags=bags, every_id=[*earlier_ids, *ids])
    return ids


def _petition_row(item: SyntheticPetition, instance_id: str, index: int) -> dict[str, Any]:
    return {
        "tracking_code": item.tracking_code or f"SYN-{uuid.uuid4().hex[:12].upper()}",
        "channel": item.channel,
        "request_type": item.request_type,
        "statutory_class": item.statutory_class,
        "category": item.category,
        "title": item.title,
        "content": item.content,
        "petitioner_name": item.petitioner_name,
        "petitioner_phone": item.petitioner_phone,
        "petitioner_kind": "student",
        "petitioner_id_sealed": None,
        "anonymous": item.petitioner_name is None,
        "headcount": 1,
        "urgency": "normal",
        "received_at": item.received_at,
        "registered_by": "synth",
        "registered_at": item.received_at,
        "status": item.status,
        "department": item.department,
        "co_departments": [],
        "process_instance_id": instance_id,
        "duplicate_of_id": None,
        "repeat_count": 0,
        "supervised": item.supervised_at is not None,
        "extension_days": 0,
        "reply_outcome": None,
        "reply_text": None,
        "replied_at": None,
        "satisfaction": item.satisfaction,
        "evaluation_comment": None,
        "closed_at": item.closed_at,
        "updated_at": item.closed_at or item.received_at,
    }


def _children(
    session: Session,
    batch: Sequence[SyntheticPetition],
    ids: list[int],
    instance_ids: list[str],
    *,
    bags: Sequence[dict[str, int]] | None,
    every_id: Sequence[int],
) -> None:
    deadlines: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    supervisions: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    departments: list[dict[str, Any]] = []
    profile_rows: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    for number, (item, petition_id, instance_id) in enumerate(zip(batch, ids, instance_ids, strict=True)):
        if item.duplicate_of is not None:
            duplicates.append({"id": petition_id, "duplicate_of_id": every_id[item.duplicate_of]})
        for clock in item.clocks:
            deadlines.append(_deadline_row(instance_id, clock, item.received_at))
        for dispatch in item.dispatches:
            tasks.extend(_dispatch_rows(instance_id, petition_id, dispatch))
        if item.department:
            departments.append(
                {
                    "petition_id": petition_id,
                    "department_code": item.department,
                    "role": "lead",
                    "assigned_at": item.received_at,
                }
            )
        if item.supervised_at is not None:
            supervisions.append(_supervision_row(petition_id, item.supervised_at))
        if item.direct_answer:
            documents.append(_direct_reply_row(petition_id, item))
        if item.reply_opinion:
            documents.append(_reply_opinion_row(petition_id, item))
        profile_rows.append(
            {
                "petition_id": petition_id,
                "received_at": item.received_at,
                "petitioner_key": petitioner_key(item.petitioner_name, item.petitioner_phone),
                "terms": bags[number] if bags is not None else term_bag(item.title, item.content),
                "resolved": item.resolved,
            }
        )
    if duplicates:
        session.execute(update(Petition), duplicates)
    for model, values in (
        (DeadlineRecord, deadlines),
        (HumanTask, tasks),
        (Supervision, supervisions),
        (PetitionDocument, documents),
        (PetitionDepartment, departments),
        (PetitionProfile, profile_rows),
    ):
        if values:
            session.execute(insert(model), values)


def _deadline_row(instance_id: str, clock: Clock, start: datetime) -> dict[str, Any]:
    return {
        "instance_id": instance_id,
        "task_id": None,
        "element_id": "synthetic",
        "rule": clock.rule,
        "unit": "calendar_day",
        "count": 0,
        "start_at": start,
        "due_at": clock.due_at,
        "provisional": False,
        "calendar": "synthetic",
        "status": clock.status,
        "met_at": clock.met_at,
        "created_at": start,
    }


def _dispatch_rows(instance_id: str, petition_id: int, dispatch: Dispatch) -> list[dict[str, Any]]:
    base = {
        "instance_id": instance_id,
        "business_key": f"petition:{petition_id}",
        "assignee": None,
        "deadline_rule": None,
    }
    rows = [
        {
            **base,
            "id": str(uuid.uuid4()),
            "element_id": "sign_for",
            "title": "签收",
            "form_key": "sign_for",
            "candidate_group": f"handler@{dispatch.department}",
            "status": "completed" if dispatch.completed_at else "open",
            "due_at": dispatch.due_at,
            "created_at": dispatch.created_at,
            "completed_at": dispatch.completed_at,
            "completed_by": "synth" if dispatch.completed_at else None,
        }
    ]
    if dispatch.returned and dispatch.completed_at is not None:
        rows.append(
            {
                **base,
                "id": str(uuid.uuid4()),
                "element_id": "review_return",
                "title": "审核退单",
                "form_key": "return_review",
                "candidate_group": "assessor@office",
                "status": "completed",
                "due_at": dispatch.completed_at + timedelta(days=2),
                "created_at": dispatch.completed_at,
                "completed_at": dispatch.completed_at + timedelta(hours=4),
                "completed_by": "synth",
            }
        )
    return rows


def _supervision_row(petition_id: int, at: datetime) -> dict[str, Any]:
    return {
        "petition_id": petition_id,
        "instance_id": str(uuid.uuid4()),
        "trigger": "overdue",
        "reason": "synthetic",
        "overdue_task_id": None,
        "level": None,
        "status": "closed",
        "stage": None,
        "started_by": "synth",
        "started_at": at,
        "escalated_at": None,
        "closed_at": None,
    }


def _direct_reply_row(petition_id: int, item: SyntheticPetition) -> dict[str, Any]:
    return _document_row(petition_id, item, "direct_reply", "即办", "答复（接诉即办）")


def _reply_opinion_row(petition_id: int, item: SyntheticPetition) -> dict[str, Any]:
    return _document_row(petition_id, item, "reply_opinion", "答复", "答复意见书")


def _document_row(
    petition_id: int, item: SyntheticPetition, kind: str, prefix: str, title: str
) -> dict[str, Any]:
    return {
        "petition_id": petition_id,
        "kind": kind,
        "number": f"{prefix}-SYN-{uuid.uuid4().hex[:16]}",
        "title": title,
        "body": "",
        "for_petitioner": True,
        "fields": {},
        "issued_at": item.closed_at or item.received_at,
        "template_version": None,
    }
