"""Reception sessions (定点接访 · 重点约访 · 带案下访), appointments booked into them, and their record.

* The office (or the leader) schedules a session for a school leader: when, where, how many.
* Appointments (约访/预约) are booked into a planned session until it is full.
* At the session an appointment is attended (the matter becomes a petition with channel 领导接访, or
  an existing petition is linked) and the leader is named on it as its owner (`session`).
* 带案下访: a field session lists the petitions the leader takes to the unit visited, with notes.
* Afterwards the session is recorded (what was heard and decided) and marked held.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.clock import LOCAL_TZ
from service.db import detached_copy
from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.identity.models import Department, User
from service.identity.roles import LEADER, OFFICE_ROLES
from service.petitions.access import is_protected
from service.petitions.models import Petition
from service.petitions.vocabulary import CLOSED_STATUSES
from service.reception import service as ownership
from service.reception.models import (
    ATTENDED,
    BOOKED,
    CANCELLED,
    HELD,
    NO_SHOW,
    PACKAGE,
    PLANNED,
    SESSION,
    Appointment,
    ReceptionSession,
    SessionCase,
)
from service.reception.service import Caller

KINDS = {"scheduled": "定点接访", "invited": "重点约访", "field": "带案下访"}
SESSION_STATUSES = {PLANNED: "待接访", HELD: "已接访", CANCELLED: "已取消"}
APPOINTMENT_STATUSES = {BOOKED: "已预约", ATTENDED: "已接待", NO_SHOW: "未到", CANCELLED: "已取消"}


@dataclass(frozen=True)
class SessionPlan:
    kind: str
    leader: str
    starts_at: datetime
    place: str
    capacity: int = 10
    department: str | None = None
    topic: str | None = None


def may_arrange(caller: Caller, leader: str) -> bool:
    return caller.role in OFFICE_ROLES or (caller.role == LEADER and caller.username == leader)


def _may_arrange(caller: Caller, leader: str) -> None:
    if not may_arrange(caller, leader):
        raise Forbidden("只有信访办或接访领导本人可以安排接访")


def create_session(session: Session, *, caller: Caller, plan: SessionPlan, now: datetime) -> ReceptionSession:
    _may_arrange(caller, plan.leader)
    errors: dict[str, str] = {}
    if plan.kind not in KINDS:
        errors["kind"] = f"接访方式应为：{'、'.join(KINDS)}"
    leader = session.scalar(select(User).where(User.username == plan.leader, User.active.is_(True)))
    if leader is None or leader.role != LEADER:
        errors["leader"] = "接访领导须为在职校领导"
    if not plan.place.strip():
        errors["place"] = "请填写接访地点"
    if not 1 <= plan.capacity <= 200:
        errors["capacity"] = "名额应在 1–200 之间"
    if plan.kind == "field" and not plan.department:
        errors["department"] = "带案下访须写明走访的单位"
    if plan.department and session.get(Department, plan.department) is None:
        errors["department"] = f"未知部门：{plan.department}"
    if plan.starts_at < now:
        errors["starts_at"] = "接访时间不能早于现在"
    if errors:
        raise Invalid("接访安排有误", errors=errors)
    row = ReceptionSession(
        kind=plan.kind,
        leader_username=plan.leader,
        starts_at=plan.starts_at,
        place=plan.place.strip(),
        capacity=plan.capacity,
        department_code=plan.department,
        topic=(plan.topic or "").strip() or None,
        status=PLANNED,
        created_by=caller.username,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def list_sessions(
    session: Session, *, first: date | None = None, last: date | None = None, leader: str | None = None
) -> Sequence[ReceptionSession]:
    statement = select(ReceptionSession).order_by(ReceptionSession.starts_at)
    if first is not None:
        statement = statement.where(ReceptionSession.starts_at >= datetime.combine(first, time(0), LOCAL_TZ))
    if last is not None:
        until = datetime.combine(last + timedelta(days=1), time(0), LOCAL_TZ)
        statement = statement.where(ReceptionSession.starts_at < until)
    if leader:
        statement = statement.where(ReceptionSession.leader_username == leader)
    return session.scalars(statement).all()


def get_session(session: Session, session_id: int) -> ReceptionSession:
    row = session.get(ReceptionSession, session_id)
    if row is None:
        raise NotFound("接访安排不存在")
    return row


def appointments_of(session: Session, session_id: int) -> Sequence[Appointment]:
    return session.scalars(
        select(Appointment).where(Appointment.session_id == session_id).order_by(Appointment.id)
    ).all()


SEALED_NAME = "（已保密）"


def appointments_seen_by(session: Session, row: ReceptionSession, caller: Caller) -> list[Appointment]:
    """The session's appointments as `caller` may see them: whoever comes about a protected petition
    (举报, restricted categories) is named only to the petition office and the receiving leader, as
    the petition itself seals them (the others get unattached copies with name and phone sealed)."""
    appointments = list(appointments_of(session, row.id))
    if caller.role in OFFICE_ROLES or caller.username == row.leader_username:
        return appointments
    linked = {a.petition_id for a in appointments if a.petition_id}
    petitions: Sequence[Petition] = (
        session.scalars(select(Petition).where(Petition.id.in_(linked))).all() if linked else []
    )
    protected = {p.id for p in petitions if is_protected(session, p)}
    return [_sealed(a) if a.petition_id in protected else a for a in appointments]


def _sealed(appointment: Appointment) -> Appointment:
    return detached_copy(appointment, petitioner_name=SEALED_NAME, petitioner_phone=None)


def cases_of_session(session: Session, session_id: int) -> Sequence[SessionCase]:
    return session.scalars(
        select(SessionCase).where(SessionCase.session_id == session_id).order_by(SessionCase.id)
    ).all()


def book(
    session: Session,
    *,
    caller: Caller,
    session_id: int,
    name: str,
    phone: str | None,
    topic: str,
    petition_id: int | None,
    now: datetime,
) -> Appointment:
    """约访/预约: a place in a planned session, while there is one left."""
    if caller.role not in OFFICE_ROLES and caller.role != LEADER:
        raise Forbidden("只有信访办或校领导可以预约接访")
    row = session.execute(
        select(ReceptionSession).where(ReceptionSession.id == session_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("接访安排不存在")
    if row.status != PLANNED or row.starts_at <= now:
        raise Conflict("该场接访已开始、结束或取消，不能再预约")
    errors = {}
    if not name.strip():
        errors["name"] = "请填写来访人姓名"
    if not topic.strip():
        errors["topic"] = "请填写反映的事项"
    if petition_id is not None and session.get(Petition, petition_id) is None:
        errors["petition_id"] = "信访事项不存在"
    if errors:
        raise Invalid("预约信息有误", errors=errors)
    taken = (
        session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.session_id == row.id, Appointment.status.in_((BOOKED, ATTENDED)))
        )
        or 0
    )
    if taken >= row.capacity:
        raise Conflict(f"该场接访 {row.capacity} 个名额已约满")
    appointment = Appointment(
        session_id=row.id,
        petitioner_name=name.strip(),
        petitioner_phone=(phone or "").strip() or None,
        topic=topic.strip(),
        petition_id=petition_id,
        status=BOOKED,
        booked_by=caller.username,
        booked_at=now,
        updated_at=now,
    )
    session.add(appointment)
    session.flush()
    return appointment


def close_appointment(
    session: Session,
    *,
    caller: Caller,
    appointment_id: int,
    status: str,
    outcome: str | None,
    petition_id: int | None,
    now: datetime,
) -> Appointment:
    """Mark an appointment attended (linking the petition it concerns), no-show or cancelled."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("预约不存在")
    row = get_session(session, appointment.session_id)
    _may_arrange(caller, row.leader_username)
    if appointment.status != BOOKED:
        raise Conflict("该预约已处理")
    if status not in (ATTENDED, NO_SHOW, CANCELLED):
        raise Invalid("状态有误", errors={"status": "应为 attended、no_show 或 cancelled"})
    if status in (ATTENDED, NO_SHOW) and now < row.starts_at:
        raise Conflict("接访尚未开始：到访或未到须在接访开始后登记")
    appointment.status, appointment.outcome, appointment.updated_at = status, outcome, now
    linked = petition_id or appointment.petition_id
    if status == ATTENDED and linked is not None:
        petition = session.get(Petition, linked)
        if petition is None:
            raise Invalid("信访事项不存在", errors={"petition_id": "信访事项不存在"})
        appointment.petition_id = petition.id
        name_leader(session, petition=petition, reception=row, actor=caller.username, now=now)
    return appointment


def name_leader(
    session: Session, *, petition: Petition, reception: ReceptionSession, actor: str, now: datetime
) -> None:
    """The receiving leader becomes the case's owner, unless a leader has taken it (包案)."""
    current = ownership.current_ownership(session, petition.id)
    if current is not None and (
        current.kind == PACKAGE or current.leader_username == reception.leader_username
    ):
        return
    if petition.status in CLOSED_STATUSES:
        return
    ownership.assign(
        session,
        petition=petition,
        leader=reception.leader_username,
        kind=SESSION,
        actor=actor,
        now=now,
        session_id=reception.id,
    )


def add_case(
    session: Session, *, caller: Caller, session_id: int, petition_id: int, note: str | None
) -> SessionCase:
    """带案下访: a petition the leader takes to the unit visited."""
    row = get_session(session, session_id)
    _may_arrange(caller, row.leader_username)
    if row.kind != "field":
        raise Conflict("只有带案下访可以列入案件")
    if session.get(Petition, petition_id) is None:
        raise Invalid("信访事项不存在", errors={"petition_id": "信访事项不存在"})
    found = session.scalar(
        select(SessionCase).where(SessionCase.session_id == row.id, SessionCase.petition_id == petition_id)
    )
    if found is not None:
        found.note = note or found.note
        return found
    case = SessionCase(session_id=row.id, petition_id=petition_id, note=note)
    session.add(case)
    session.flush()
    return case


def record_session(
    session: Session, *, caller: Caller, session_id: int, record: str, now: datetime
) -> ReceptionSession:
    """The session took place: what was heard and decided. Field-visit cases are named on the leader."""
    row = get_session(session, session_id)
    _may_arrange(caller, row.leader_username)
    if row.status == CANCELLED:
        raise Conflict("已取消的接访不能记录")
    if now < row.starts_at:
        raise Conflict("接访尚未开始，不能记录")
    if not record.strip():
        raise Invalid("请填写接访记录", errors={"record": "不能为空"})
    row.status, row.record, row.held_at = HELD, record.strip(), row.held_at or now
    for case in cases_of_session(session, row.id):
        petition = session.get(Petition, case.petition_id)
        if petition is not None:
            name_leader(session, petition=petition, reception=row, actor=caller.username, now=now)
    return row


def cancel_session(session: Session, *, caller: Caller, session_id: int, now: datetime) -> ReceptionSession:
    row = get_session(session, session_id)
    _may_arrange(caller, row.leader_username)
    if row.status != PLANNED:
        raise Conflict("只有待接访的安排可以取消")
    row.status = CANCELLED
    for appointment in appointments_of(session, row.id):
        if appointment.status == BOOKED:
            appointment.status, appointment.updated_at = CANCELLED, now
    return row
