"""Registering petitions and reading them back, for staff and for the public."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from service.audit.models import AuditEvent
from service.audit.reads import READ_ACTIONS
from service.clock import Clock
from service.db import detached_copy
from service.engine.commands import Actor, StartInstance
from service.engine.models import TASK_OPEN, DeadlineRecord, HumanTask
from service.engine.runtime import Runtime
from service.errors import Forbidden, Invalid, NotFound
from service.identity.models import Department
from service.petitions import access
from service.petitions.access import Viewer
from service.petitions.codes import petition_by_code
from service.petitions.models import Category, Petition, PetitionDepartment, PetitionDocument
from service.petitions.projection import business_key
from service.petitions.sealing import Sealer
from service.petitions.vocabulary import (
    CHANNELS,
    CLOSED_STATUSES,
    PETITIONER_KINDS,
    REQUEST_TYPES,
    STATUSES,
)

PROCESS_KEY = "petition"
PUBLIC_ACTOR = "public"
PETITIONER_ACTOR = f"{PUBLIC_ACTOR}:petitioner"  # the petitioner acting through the portal or public API
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CLOCK_SKEW = timedelta(minutes=5)


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True)
class Registration:
    channel: str
    request_type: str
    category: str
    title: str
    content: str
    petitioner: Mapping[str, Any]
    anonymous: bool = False
    headcount: int = 1
    received_at: datetime | None = None
    urgency: str = "normal"
    representatives: Sequence[str] = ()
    assigned_by: str | None = None
    report_days: int | None = None


def register_petition(
    session: Session,
    *,
    runtime: Runtime,
    clock: Clock,
    sealer: Sealer,
    actor: Actor,
    registration: Registration,
) -> Petition:
    """Create the petition and start its process in the caller's unit of work (both or neither)."""
    now = clock.now()
    _check_registration(session, registration, now)
    person = registration.petitioner
    id_number = (person.get("id_number") or "").strip()
    petition = Petition(
        tracking_code=new_tracking_code(),
        channel=registration.channel,
        request_type=registration.request_type,
        category=registration.category,
        title=registration.title.strip(),
        content=registration.content.strip(),
        petitioner_name=None if registration.anonymous else person.get("name"),
        petitioner_phone=None if registration.anonymous else person.get("phone"),
        petitioner_kind=person.get("kind"),
        petitioner_id_sealed=sealer.seal(id_number) if id_number and not registration.anonymous else None,
        anonymous=registration.anonymous,
        headcount=registration.headcount,
        representatives=None if registration.anonymous else [r.strip() for r in registration.representatives],
        assigned_by=(registration.assigned_by or "").strip() or None,
        report_days=registration.report_days,
        urgency=registration.urgency,
        received_at=registration.received_at or now,
        registered_by=actor.username,
        registered_at=now,
        status="registered",
        co_departments=[],
        repeat_count=0,
        extension_days=0,
        updated_at=now,
    )
    session.add(petition)
    session.flush()
    outcome = runtime.execute(
        StartInstance(
            model_key=PROCESS_KEY,
            actor=actor,
            business_key=business_key(petition.id),
            data={
                "petition_id": petition.id,
                "received_at": petition.received_at.isoformat(),
                "channel": petition.channel,
                "title": petition.title,
                "request_type": petition.request_type,
                "statutory_class": petition.statutory_class,
                "restricted_category": access.category_restricted(session, petition.category),
                "report_days": petition.report_days,  # 交办: the assigning body's report limit (D12)
                "category": petition.category,
                "urgency": petition.urgency,
                "anonymous": petition.anonymous,
                "headcount": petition.headcount,
            },
        ),
        session=session,
    )
    petition.process_instance_id = outcome.instance.id
    return petition


MAX_REPRESENTATIVES = 5  # 《信访工作条例》第十八条
MAX_REPORT_DAYS = 90  # the D12 rule's max_count (processes/deadline_rules.json)
GROUP_VISIT_CHANNELS = frozenset({"visit", "reception"})


def _check_representatives(registration: Registration) -> str | None:
    """Art. 18: several people visiting with a common matter choose representatives, at most 5."""
    names = [name.strip() for name in registration.representatives]
    if any(not name for name in names):
        return "代表姓名不能为空"
    if len(names) > MAX_REPRESENTATIVES:
        return f"代表人数不超过{MAX_REPRESENTATIVES}人（《信访工作条例》第十八条）"
    if len(names) > registration.headcount:
        return "代表人数不能多于来访人数"
    group_visit = (
        registration.channel in GROUP_VISIT_CHANNELS and registration.headcount > MAX_REPRESENTATIVES
    )
    if group_visit and not names and not registration.anonymous:
        return (
            f"多人走访提出共同诉求的，应推选代表（不超过{MAX_REPRESENTATIVES}人，《信访工作条例》第十八条）"
        )
    return None


def _check_assignment(registration: Registration) -> dict[str, str]:
    """D12: an item a higher body assigns (交办) names that body and the days it set for the report."""
    assigned_by, days = (registration.assigned_by or "").strip(), registration.report_days
    if not assigned_by and days is None:
        return {}
    if registration.channel != "transfer":
        return {"assigned_by": "只有上级转送/交办的事项有交办机关和报告期限"}
    if not assigned_by:
        return {"assigned_by": "请填写交办机关"}
    if days is None or not 1 <= days <= MAX_REPORT_DAYS:
        return {"report_days": f"请填写交办机关规定的报告期限（1–{MAX_REPORT_DAYS} 日）"}
    return {}


def _check_registration(session: Session, registration: Registration, now: datetime) -> None:
    errors: dict[str, str] = {}
    if registration.channel not in CHANNELS:
        errors["channel"] = "未知的渠道"
    if registration.request_type not in REQUEST_TYPES:
        errors["request_type"] = "未知的诉求类型"
    category = session.get(Category, registration.category)
    if category is None or not category.active:
        errors["category"] = "未知的分类"
    if not registration.title.strip():
        errors["title"] = "标题不能为空"
    if not registration.content.strip():
        errors["content"] = "内容不能为空"
    person = registration.petitioner
    if not registration.anonymous and not (person.get("name") or "").strip():
        errors["petitioner.name"] = "实名反映须填写姓名（或选择匿名）"
    if person.get("kind") is not None and person.get("kind") not in PETITIONER_KINDS:
        errors["petitioner.kind"] = "未知的信访人类别"
    if registration.headcount < 1:
        errors["headcount"] = "人数至少为 1"
    representatives_problem = _check_representatives(registration)
    if representatives_problem:
        errors["representatives"] = representatives_problem
    errors.update(_check_assignment(registration))
    if registration.received_at is not None and registration.received_at > now + _CLOCK_SKEW:
        errors["received_at"] = "收到时间不能晚于现在"
    if errors:
        raise Invalid("登记信息有误", errors=errors)


# -- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PetitionQuery:
    status: str | None = None
    category: str | None = None
    department: str | None = None
    q: str | None = None
    page: int = 1
    per_page: int = 20


def list_petitions(session: Session, viewer: Viewer, query: PetitionQuery) -> tuple[Sequence[Petition], int]:
    statement = select(Petition).where(access.visible_clause(viewer))
    if query.status:
        statement = statement.where(Petition.status == query.status)
    if query.category:
        children = select(Category.code).where(Category.parent_code == query.category)
        statement = statement.where(or_(Petition.category == query.category, Petition.category.in_(children)))
    if query.department:
        statement = statement.where(
            exists(
                select(PetitionDepartment.id).where(
                    PetitionDepartment.petition_id == Petition.id,
                    PetitionDepartment.department_code == query.department,
                )
            )
        )
    if query.q:
        text = query.q.strip()
        matches = [
            Petition.title.icontains(text, autoescape=True),
            Petition.content.icontains(text, autoescape=True),
            access.code_matches(viewer, text),  # part of a code will do
        ]
        if viewer.in_office:  # a repeat caller is found by name or phone, by those who see identities
            matches += [
                Petition.petitioner_name.contains(text, autoescape=True),
                Petition.petitioner_phone.contains(text, autoescape=True),
            ]
        statement = statement.where(or_(*matches))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(
        statement.order_by(Petition.received_at.desc(), Petition.id.desc())
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    return rows, int(total)


def get_visible(session: Session, viewer: Viewer, petition_id: int) -> Petition:
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFound("信访事项不存在")
    if not access.may_view(session, viewer, petition):
        raise Forbidden("无权查看该信访事项")
    return petition


# Read-only facts other domains add to the petition view, by name (reception: "case_leader").
DETAIL_EXTENSIONS: dict[str, Callable[[Session, Petition], Mapping[str, Any]]] = {}


def statutory_deadlines(session: Session, petition: Petition) -> list[DeadlineRecord]:
    """Each limit once: when several steps run under the same rule and due date (handling, then
    drafting the reply, both within D5), the latest step's record says where it stands."""
    if not petition.process_instance_id:
        return []
    records = session.scalars(
        select(DeadlineRecord)
        .where(DeadlineRecord.instance_id == petition.process_instance_id)
        .order_by(DeadlineRecord.id)
    )
    latest: dict[tuple[str, datetime], DeadlineRecord] = {}
    for record in records:
        latest[(record.rule, record.due_at)] = record
    return list(latest.values())


def detail(session: Session, viewer: Viewer, petition: Petition, sealer: Sealer) -> dict[str, Any]:
    deadlines = statutory_deadlines(session, petition)
    tasks = open_tasks_of(session, petition.id)
    docs = sealed_documents(
        viewer,
        petition,
        session.scalars(
            select(PetitionDocument)
            .where(PetitionDocument.petition_id == petition.id)
            .order_by(PetitionDocument.id)
        ).all(),
    )
    duplicate_of = session.get(Petition, petition.duplicate_of_id) if petition.duplicate_of_id else None
    view: dict[str, Any] = {
        "petition": petition,
        "status_label": STATUSES.get(petition.status, petition.status),
        "petitioner": access.petitioner_view(
            petition,
            access.identity_visibility(viewer, petition, protected=access.is_protected(session, petition)),
            sealer,
        ),
        "deadlines": deadlines,
        "deadline_steps": _step_titles(session, deadlines),
        "current_tasks": tasks,
        "documents": docs,
        "duplicate_of": duplicate_of.tracking_code if duplicate_of else None,
    }
    for extend in DETAIL_EXTENSIONS.values():
        view.update(extend(session, petition))
    return view


def sealed_documents(
    viewer: Viewer, petition: Petition, docs: Sequence[PetitionDocument]
) -> Sequence[PetitionDocument]:
    """The notices as `viewer` may read them: unattached copies with the tracking code sealed (in the
    body and the number, which embeds it) for those who may not see it; stored notices never change."""
    if access.may_see_code(viewer):
        return docs
    return [
        detached_copy(
            doc,
            **{
                field: access.sealed_code_in(viewer, getattr(doc, field), petition.tracking_code)
                for field in ("body", "number", "title")
            },
        )
        for doc in docs
    ]


def _step_titles(session: Session, deadlines: Sequence[DeadlineRecord]) -> dict[str, str]:
    """The step each deadline times, by title (D5 met by handling is not the whole matter met)."""
    task_ids = [record.task_id for record in deadlines if record.task_id]
    if not task_ids:
        return {}
    rows = session.execute(select(HumanTask.id, HumanTask.title).where(HumanTask.id.in_(task_ids)))
    return dict(rows.all())


def open_tasks_of(session: Session, petition_id: int) -> Sequence[HumanTask]:
    return session.scalars(
        select(HumanTask)
        .where(HumanTask.business_key == business_key(petition_id), HumanTask.status == TASK_OPEN)
        .order_by(HumanTask.created_at)
    ).all()


def history(session: Session, petition: Petition, viewer: Viewer | None = None) -> Sequence[AuditEvent]:
    """The petition's events, not its reads (the access log is the auditor's); for a `viewer` who may
    not see its tracking code, unattached copies with the code sealed in their data."""
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.business_key == business_key(petition.id),
            AuditEvent.action.not_in(sorted(READ_ACTIONS)),
        )
        .order_by(AuditEvent.id)
    ).all()
    if viewer is None or access.may_see_code(viewer):
        return events
    return [
        detached_copy(event, data=access.sealed_json(viewer, event.data, petition.tracking_code))
        for event in events
    ]


# -- the public side ---------------------------------------------------------------------------------


def find_by_code(session: Session, tracking_code: str) -> Petition:
    petition = petition_by_code(session, tracking_code)
    if petition is None:
        raise NotFound("查询码不存在")
    return petition


def closed(petition: Petition) -> bool:
    return petition.status in CLOSED_STATUSES


def department_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Department.code, Department.name)).all())
