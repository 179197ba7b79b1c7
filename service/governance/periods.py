"""Reporting periods: a week, a month, a year or any span, with the period before it.

Boundaries are local (Asia/Shanghai) midnights; a period is the half-open range [since, until).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from service.clock import LOCAL_TZ
from service.errors import Invalid

KINDS = ("week", "month", "year", "custom")
# Statistics are kept for these years only; beyond them a period (or the one before it) would not
# even be a date Python can hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def checked_day(day: date, field: str) -> date:
    """`day` when it lies in FIRST_YEAR–LAST_YEAR; else Invalid, the message under `field`."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        message = f"统计日期应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间"
        raise Invalid(message, errors={field: message})
    return day


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date
    last_day: date  # inclusive

    @property
    def since(self) -> datetime:
        return local_midnight(self.first_day)

    @property
    def until(self) -> datetime:
        return local_midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def label(self) -> str:
        if self.kind == "month":
            return f"{self.first_day.year}年{self.first_day.month}月"
        if self.kind == "year":
            return f"{self.first_day.year}年"
        return f"{self.first_day.isoformat()} 至 {self.last_day.isoformat()}"

    def previous(self) -> Period:
        if self.kind == "month":
            return month_of(self.first_day - timedelta(days=1))
        if self.kind == "year":
            return year_of(self.first_day.year - 1)
        return Period(
            self.kind, self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1)
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "label": self.label(),
        }


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1))


def year_of(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def period_from(kind: str, start: date, end: date | None = None) -> Period:
    """The period of `kind` containing `start` (or exactly [start, end] for `custom`)."""
    checked_day(start, "start")
    if end is not None:
        checked_day(end, "end")
    if kind == "week":
        return week_of(start)
    if kind == "month":
        return month_of(start)
    if kind == "year":
        return year_of(start.year)
    if kind == "custom":
        if end is None or end < start:
            raise Invalid("统计区间有误", errors={"end": "结束日期不能早于开始日期"})
        if (end - start).days > 3660:
            raise Invalid("统计区间有误", errors={"end": "统计区间不能超过十年"})
        return Period("custom", start, end)
    raise Invalid("统计区间有误", errors={"kind": f"可选：{', '.join(KINDS)}"})


def last_complete(kind: str, now: datetime) -> Period:
    """The most recent week or month that has fully ended at `now`."""
    today = now.astimezone(LOCAL_TZ).date()
    if kind == "week":
        return week_of(today - timedelta(days=7))
    if kind == "month":
        return month_of(today.replace(day=1) - timedelta(days=1))
    raise Invalid("统计区间有误", errors={"kind": "快照只按周或按月"})
