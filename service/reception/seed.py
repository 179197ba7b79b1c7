"""The demo's duty roster: this month and next, working days, every active school leader in turn."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.clock import LOCAL_TZ, Clock
from service.engine.calendar import BusinessCalendar
from service.reception.models import DutyDay
from service.reception.roster import Editor, generate_roster

SEEDER = Editor("seed", "admin")


def seed_demo_roster(session: Session, *, calendar: BusinessCalendar, clock: Clock) -> int:
    """Roster the current and the next month, only when the roster is empty."""
    if session.scalar(select(func.count()).select_from(DutyDay)):
        return 0
    today = clock.now().astimezone(LOCAL_TZ).date()
    first = today.replace(day=1)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    last = date(year, month, monthrange(year, month)[1])
    return len(
        generate_roster(session, calendar=calendar, editor=SEEDER, first=first, last=last, now=clock.now())
    )
