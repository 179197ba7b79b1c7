"""Case ownership (包案): which school leader a petition belongs to until it is closed.

A leader comes to own a case in three ways, one current owner at a time, all kept as history:

* `duty`: the petition is a visit registered on a day the leader is on the duty roster;
* `session`: the petitioner was received in the leader's own reception session;
* `package` (领导包案): a leader takes the case (or the office assigns it to a leader). It replaces
  a duty or session owner; another leader's 包案 must be released first.

Every change is written to the audit trail under the petition's business key, so it appears in the
petition's history. When the petition closes, the current ownership ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.identity.models import User
from service.identity.roles import LEADER, OFFICE_ROLES
from service.petitions.models import Petition
from service.petitions.projection import business_key
from service.petitions.vocabulary import CLOSED_STATUSES
from service.reception.models import DUTY, PACKAGE, SESSION, CaseOwnership

KIND_LABELS = {DUTY: "值班接访", SESSION: "接访领导", PACKAGE: "领导包案"}


@dataclass(frozen=True)
class Caller:
    username: str
    role: str


def case_leader_of(session: Session, petition_id: int) -> str | None:
    """The school leader named on the petition now (None once it is closed or nobody owns it)."""
    return session.scalar(
        select(CaseOwnership.leader_username).where(CaseOwnership.active_petition_id == petition_id)
    )


def current_ownership(session: Session, petition_id: int) -> CaseOwnership | None:
    return session.scalar(select(CaseOwnership).where(CaseOwnership.active_petition_id == petition_id))


def ownership_history(session: Session, petition_id: int) -> Sequence[CaseOwnership]:
    return session.scalars(
        select(CaseOwnership).where(CaseOwnership.petition_id == petition_id).order_by(CaseOwnership.id)
    ).all()


def cases_of(
    session: Session, leader: str, *, include_ended: bool = False
) -> list[tuple[CaseOwnership, Petition]]:
    """The leader's own list: the cases they are named on now (and, on request, before)."""
    statement = (
        select(CaseOwnership, Petition)
        .join(Petition, Petition.id == CaseOwnership.petition_id)
        .where(CaseOwnership.leader_username == leader)
        .order_by(CaseOwnership.started_at.desc(), CaseOwnership.id.desc())
    )
    if not include_ended:
        statement = statement.where(CaseOwnership.active_petition_id.is_not(None))
    return [(ownership, petition) for ownership, petition in session.execute(statement).all()]


def take_case(
    session: Session, *, caller: Caller, petition_id: int, leader: str | None, now: datetime
) -> CaseOwnership:
    """领导包案: a school leader takes the case, or the office assigns it to one."""
    target = leader or caller.username
    if caller.role == LEADER:
        if target != caller.username:
            raise Forbidden("校领导只能自己包案；指定其他领导包案请由信访办办理")
    elif caller.role not in OFFICE_ROLES:
        raise Forbidden("只有校领导可以包案（信访办可指定包案领导）")
    _check_leader(session, target)
    petition = _open_petition(session, petition_id)
    current = current_ownership(session, petition.id)
    if current is not None and current.kind == PACKAGE:
        if current.leader_username == target:
            raise Conflict("该事项已由这位领导包案")
        raise Conflict(f"该事项已由 {current.leader_username} 包案，须先解除")
    return assign(session, petition=petition, leader=target, kind=PACKAGE, actor=caller.username, now=now)


def release_case(
    session: Session, *, caller: Caller, petition_id: int, reason: str, now: datetime
) -> CaseOwnership:
    current = current_ownership(session, petition_id)
    if current is None or current.kind != PACKAGE:
        raise NotFound("该事项没有领导包案")
    if caller.username != current.leader_username and caller.role not in OFFICE_ROLES:
        raise Forbidden("只有包案领导本人或信访办可以解除包案")
    if not reason.strip():
        raise Invalid("请说明解除包案的原因", errors={"reason": "不能为空"})
    _end(session, current, actor=caller.username, reason=reason.strip(), now=now)
    return current


def assign(
    session: Session,
    *,
    petition: Petition,
    leader: str,
    kind: str,
    actor: str,
    now: datetime,
    duty_date: date | None = None,
    session_id: int | None = None,
    events: list[PendingEvent] | None = None,
) -> CaseOwnership:
    """Make `leader` the petition's current owner, ending the previous ownership (kept as history).

    With `events` the audit entries are appended to it (a runtime listener records them with its
    outcome); otherwise they are chained here."""
    pending: list[PendingEvent] = []
    current = current_ownership(session, petition.id)
    if current is not None:
        _end(session, current, actor=actor, reason=f"由{KIND_LABELS[kind]}接替", now=now, events=pending)
    ownership = CaseOwnership(
        petition_id=petition.id,
        active_petition_id=petition.id,
        leader_username=leader,
        kind=kind,
        duty_date=duty_date,
        session_id=session_id,
        started_at=now,
        started_by=actor,
    )
    session.add(ownership)
    session.flush()
    pending.append(
        _event(
            actor,
            "case.owned",
            petition.id,
            leader=leader,
            kind=kind,
            duty_date=duty_date,
            session_id=session_id,
        )
    )
    _emit(session, pending, events, now)
    return ownership


def end_for_closed(session: Session, *, petition_id: int, now: datetime, events: list[PendingEvent]) -> None:
    """The petition closed: nobody is named on it any more (history stays)."""
    current = current_ownership(session, petition_id)
    if current is not None:
        _end(session, current, actor="system", reason="事项已办结", now=now, events=events)


def _end(
    session: Session,
    ownership: CaseOwnership,
    *,
    actor: str,
    reason: str,
    now: datetime,
    events: list[PendingEvent] | None = None,
) -> None:
    ownership.active_petition_id = None
    ownership.ended_at, ownership.ended_by, ownership.end_reason = now, actor, reason
    session.flush()  # free the one-current-owner slot before a successor takes it
    event = _event(
        actor,
        "case.released",
        ownership.petition_id,
        leader=ownership.leader_username,
        kind=ownership.kind,
        reason=reason,
    )
    _emit(session, [event], events, now)


def _event(actor: str, action: str, petition_id: int, **data: object) -> PendingEvent:
    return PendingEvent(actor=actor, action=action, business_key=business_key(petition_id), data=dict(data))


def _emit(
    session: Session, pending: list[PendingEvent], into: list[PendingEvent] | None, now: datetime
) -> None:
    if into is not None:
        into.extend(pending)
    else:
        chain.append(session, pending, at=now)


def _check_leader(session: Session, username: str) -> None:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None or user.role != LEADER:
        raise Invalid("包案领导须为校领导", errors={"leader": f"{username} 不是在职的校领导"})


def _open_petition(session: Session, petition_id: int) -> Petition:
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFound("信访事项不存在")
    if petition.status in CLOSED_STATUSES:
        raise Conflict("已办结的事项不能包案")
    return petition
