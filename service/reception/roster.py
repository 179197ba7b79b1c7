"""The duty roster (值班表): one school leader receives visitors each day (notice 五（三）).

Generation is deterministic. The rule, documented in docs/campaign.md:

* the days are the working days of the business calendar (`is_workday`: statutory holidays are off,
  调休 make-up weekend days are on), or every calendar day with `include_rest_days`;
* the leaders take turns in the order given (default: every active school leader, oldest account
  first), round-robin over those days;
* the turn continues from the roster before the period: the first day goes to the leader after the
  one on duty on the last rostered day before it (when that leader is in the list);
* days of the period already on the roster are refused unless `replace` is set.

Swapping two days exchanges their leaders, so every day still has exactly one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.engine.calendar import BusinessCalendar
from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.identity.models import User
from service.identity.roles import ADMIN, LEADER, OFFICE_ROLES
from service.reception.models import DutyDay

MAX_DAYS = 366
ROSTER_ROLES = OFFICE_ROLES | {ADMIN}


@dataclass(frozen=True)
class Editor:
    """Who changes the roster: the petition office (信访办) or an administrator."""

    username: str
    role: str

    def check(self) -> None:
        if self.role not in ROSTER_ROLES:
            raise Forbidden("只有信访办和管理员可以排班")


def school_leaders(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(User.username).where(User.role == LEADER, User.active.is_(True)).order_by(User.id)
        )
    )


def duty_days(calendar: BusinessCalendar, first: date, last: date, *, include_rest_days: bool) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return days if include_rest_days else [d for d in days if calendar.is_workday(d)]


def generate_roster(
    session: Session,
    *,
    calendar: BusinessCalendar,
    editor: Editor,
    first: date,
    last: date,
    leaders: Sequence[str] | None = None,
    include_rest_days: bool = False,
    replace: bool = False,
    now: datetime,
) -> list[DutyDay]:
    editor.check()
    if last < first:
        raise Invalid("排班期间有误", errors={"to": "结束日期早于开始日期"})
    if (last - first).days >= MAX_DAYS:
        raise Invalid("排班期间有误", errors={"to": f"一次最多排 {MAX_DAYS} 天"})
    rota = _check_leaders(session, list(leaders) if leaders else school_leaders(session))
    existing = session.scalars(
        select(DutyDay.duty_date).where(DutyDay.duty_date >= first, DutyDay.duty_date <= last)
    ).all()
    if existing and not replace:
        raise Conflict(f"{first} 至 {last} 已有 {len(existing)} 天排班（如需重排请选择覆盖）")
    session.execute(delete(DutyDay).where(DutyDay.duty_date >= first, DutyDay.duty_date <= last))
    start = _next_turn(session, rota, first)
    rows = [
        DutyDay(
            duty_date=day,
            leader_username=rota[(start + n) % len(rota)],
            updated_by=editor.username,
            updated_at=now,
        )
        for n, day in enumerate(duty_days(calendar, first, last, include_rest_days=include_rest_days))
    ]
    session.add_all(rows)
    _audit(
        session,
        editor,
        "roster.generated",
        now,
        first=first,
        last=last,
        days=len(rows),
        leaders=rota,
        include_rest_days=include_rest_days,
        replaced=len(existing),
    )
    return rows


def _check_leaders(session: Session, usernames: list[str], *, field: str = "leaders") -> list[str]:
    """The usernames, if each is an active school leader; else Invalid on `field` (the form's name)."""
    if not usernames:
        raise Invalid("没有可排班的校领导", errors={field: "至少需要一名校领导"})
    if len(set(usernames)) != len(usernames):
        raise Invalid("排班领导有误", errors={field: "同一位领导不能重复出现"})
    known = set(
        session.scalars(
            select(User.username).where(
                User.username.in_(usernames), User.role == LEADER, User.active.is_(True)
            )
        )
    )
    missing = [u for u in usernames if u not in known]
    if missing:
        raise Invalid("排班领导有误", errors={field: f"不是在职的校领导：{'、'.join(missing)}"})
    return usernames


def _next_turn(session: Session, rota: list[str], first: date) -> int:
    before = session.scalar(
        select(DutyDay.leader_username)
        .where(DutyDay.duty_date < first)
        .order_by(DutyDay.duty_date.desc())
        .limit(1)
    )
    return (rota.index(before) + 1) % len(rota) if before in rota else 0


def swap_days(
    session: Session, *, editor: Editor, first: date, second: date, now: datetime
) -> tuple[DutyDay, DutyDay]:
    editor.check()
    a, b = _day(session, first), _day(session, second)
    if a.id == b.id:
        raise Invalid("换班日期有误", errors={"second": "请选择另一天"})
    a.leader_username, b.leader_username = b.leader_username, a.leader_username
    a.updated_by = b.updated_by = editor.username
    a.updated_at = b.updated_at = now
    _audit(
        session,
        editor,
        "roster.swapped",
        now,
        first=first,
        second=second,
        first_leader=a.leader_username,
        second_leader=b.leader_username,
    )
    return a, b


def assign_day(
    session: Session, *, editor: Editor, day: date, leader: str, note: str | None, now: datetime
) -> DutyDay:
    editor.check()
    _check_leaders(session, [leader], field="leader")
    row = session.scalar(select(DutyDay).where(DutyDay.duty_date == day))
    before = row.leader_username if row else None
    if row is None:
        row = DutyDay(duty_date=day, leader_username=leader, updated_by=editor.username, updated_at=now)
        session.add(row)
    row.leader_username, row.note, row.updated_by, row.updated_at = leader, note, editor.username, now
    _audit(session, editor, "roster.assigned", now, day=day, leader=leader, before=before)
    return row


def _day(session: Session, day: date) -> DutyDay:
    row = session.scalar(select(DutyDay).where(DutyDay.duty_date == day))
    if row is None:
        raise NotFound(f"{day} 没有排班")
    return row


def duty_leader_on(session: Session, day: date) -> str | None:
    return session.scalar(select(DutyDay.leader_username).where(DutyDay.duty_date == day))


def list_roster(session: Session, first: date, last: date) -> Sequence[DutyDay]:
    return session.scalars(
        select(DutyDay)
        .where(DutyDay.duty_date >= first, DutyDay.duty_date <= last)
        .order_by(DutyDay.duty_date)
    ).all()


def _audit(session: Session, editor: Editor, action: str, now: datetime, **data: object) -> None:
    chain.append(session, [PendingEvent(actor=editor.username, action=action, data=dict(data))], at=now)
