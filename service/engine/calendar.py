"""The statutory calendar: which days are working days, and when a period ends.

Two counting rules (DOMAIN.md §3):

* calendar days (民法典 arts. 201, 203): the start day is not counted; a period whose last day is
  a rest day ends on the next working day; it ends at 24:00 local time of its last day.
* working days: N working days strictly after the start date; 调休 make-up weekend days count,
  weekdays inside a holiday block do not.

Day data comes from `chinesecalendar` and from administrator overrides (a `holiday_calendar`
table). For a year neither knows, weekends are the only rest days and the result is marked
provisional, to be recomputed when the year's arrangement is imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

from service.clock import LOCAL_TZ

CALENDAR_DAY = "calendar_day"
WORKDAY = "workday"
UNITS = (CALENDAR_DAY, WORKDAY)
END_OF_DAY = time(23, 59, 59)
# The search for the next working day never needs more than a holiday block plus a weekend.
_MAX_SHIFT_DAYS = 30


def _package_years() -> frozenset[int]:
    years = [day.year for day in chinese_calendar.holidays] + [day.year for day in chinese_calendar.workdays]
    return frozenset(range(min(years), max(years) + 1))


PACKAGE_YEARS = _package_years()


@dataclass(frozen=True)
class DeadlineRule:
    id: str
    title: str
    unit: str
    count: int | None
    starts: str
    article: str = ""
    max_count: int | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"rule {self.id}: unit must be one of {UNITS}")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DeadlineRule:
        return cls(
            id=raw["id"],
            title=raw["title"],
            unit=raw["unit"],
            count=raw.get("count"),
            starts=raw.get("starts", ""),
            article=raw.get("article", ""),
            max_count=raw.get("max_count"),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "count": self.count,
            "starts": self.starts,
            "article": self.article,
            "max_count": self.max_count,
        }


def load_rules(path: Path) -> dict[str, DeadlineRule]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {item["id"]: DeadlineRule.from_dict(item) for item in raw["rules"]}


@dataclass(frozen=True)
class Deadline:
    """A computed due moment together with how it was computed (shown to people, stored with it)."""

    rule: str
    unit: str
    count: int
    start_at: datetime
    due_at: datetime
    provisional: bool
    calendar: str

    def as_storable(self) -> str:
        return self.due_at.isoformat()

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "unit": self.unit,
            "count": self.count,
            "start_at": self.start_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "provisional": self.provisional,
            "calendar": self.calendar,
        }


@dataclass(frozen=True)
class BusinessCalendar:
    """Day data plus the deadline rules. Immutable: a new one is built when either changes."""

    rules: Mapping[str, DeadlineRule] = field(default_factory=dict)
    overrides: Mapping[date, bool] = field(default_factory=dict)
    imported_years: frozenset[int] = frozenset()

    @property
    def source(self) -> str:
        extra = f"+{len(self.overrides)} overrides" if self.overrides else ""
        return f"chinesecalendar {chinese_calendar.__version__}{extra}"

    def knows_year(self, year: int) -> bool:
        return year in PACKAGE_YEARS or year in self.imported_years

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in PACKAGE_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def end_after_calendar_days(self, start: date, count: int) -> tuple[date, bool]:
        last = start + timedelta(days=count)
        provisional = not self.knows_year(last.year)
        for _ in range(_MAX_SHIFT_DAYS):
            if self.is_workday(last):
                return last, provisional
            last += timedelta(days=1)
            provisional = provisional or not self.knows_year(last.year)
        raise ValueError(f"no working day within {_MAX_SHIFT_DAYS} days after {last}")

    def end_after_workdays(self, start: date, count: int) -> tuple[date, bool]:
        day, counted, provisional = start, 0, False
        while counted < count:
            day += timedelta(days=1)
            provisional = provisional or not self.knows_year(day.year)
            if self.is_workday(day):
                counted += 1
        return day, provisional

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end is earlier)."""
        if end < start:
            return -self.workdays_between(end, start)
        return sum(
            1 for offset in range(1, (end - start).days + 1) if self.is_workday(start + timedelta(offset))
        )

    def deadline(
        self, rule_id: str, start: datetime | date | str | Deadline, count: int | None = None
    ) -> Deadline:
        rule = self.rules.get(rule_id)
        if rule is None:
            raise ValueError(f"unknown deadline rule {rule_id!r}")
        n = count if count is not None else rule.count
        if n is None:
            raise ValueError(f"rule {rule_id} needs an explicit count")
        n = int(n)
        if n < 0 or (rule.max_count is not None and n > rule.max_count):
            raise ValueError(f"rule {rule_id} allows at most {rule.max_count} (got {n})")
        start_at = as_moment(start)
        start_day = start_at.astimezone(LOCAL_TZ).date()
        if rule.unit == WORKDAY:
            last, provisional = self.end_after_workdays(start_day, n)
        else:
            last, provisional = self.end_after_calendar_days(start_day, n)
        due_at = datetime.combine(last, END_OF_DAY, LOCAL_TZ)
        return Deadline(rule.id, rule.unit, n, start_at, due_at, provisional, self.source)


def as_moment(value: datetime | date | str | Deadline) -> datetime:
    """Accept what diagrams pass around (ISO strings, dates, datetimes, deadlines) as an aware moment."""
    if isinstance(value, Deadline):
        return value.due_at
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    return datetime.combine(value, time(0), LOCAL_TZ)


def overrides_from_rows(rows: Iterable[tuple[date, bool]]) -> dict[date, bool]:
    return dict(rows)
