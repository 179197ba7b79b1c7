"""Calendar data administrators own: day overrides, imported years and the deadline rules.

* `holiday_override` — one row per day whose status differs from what the package (or, for a year
  without data, the weekend-only fallback) says: imported from a year's arrangement or set by an
  administrator. An administrator's row wins over an import of the same day.
* `calendar_year` — the years whose arrangement has been imported; deadlines that reach a year in
  neither the package nor this table are provisional.
* `deadline_rule` — the statutory and service clocks (DOMAIN.md §2), seeded from
  processes/deadline_rules.json by `petitionflow init` and editable afterwards. A change affects
  only deadlines computed after it; stored deadlines keep the rule values they were computed with.
* `calendar_revision` — one row bumped by every change, so each process notices a change made by
  another one and rebuilds its cached calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.audit import chain
from service.audit.chain import PendingEvent
from service.db import Base, UTCDateTime
from service.engine.calendar import UNITS, BusinessCalendar, DeadlineRule, load_rules
from service.errors import Invalid, NotFound

SOURCE_ADMIN = "admin"
SOURCE_IMPORT = "import"
MAX_RULE_COUNT = 3650


class HolidayOverride(Base):
    __tablename__ = "holiday_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20))  # import | admin
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(100))


class CalendarYear(Base):
    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(100))
    papers: Mapped[list[str]] = mapped_column(JSON, default=list)
    day_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(100))


class DeadlineRuleRow(Base):
    __tablename__ = "deadline_rule"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    count: Mapped[int | None] = mapped_column(Integer)
    max_count: Mapped[int | None] = mapped_column(Integer)
    starts: Mapped[str] = mapped_column(String(60), default="")
    article: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100))

    def as_rule(self) -> DeadlineRule:
        return DeadlineRule(
            id=self.id,
            title=self.title,
            unit=self.unit,
            count=self.count,
            starts=self.starts,
            article=self.article,
            max_count=self.max_count,
        )


class CalendarRevision(Base):
    __tablename__ = "calendar_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


# -- reading ---------------------------------------------------------------------------------------


def revision(session: Session) -> int:
    row = session.get(CalendarRevision, 1)
    return row.revision if row is not None else 0


def bump_revision(session: Session, now: datetime) -> None:
    row = session.get(CalendarRevision, 1, with_for_update=True)
    if row is None:
        session.add(CalendarRevision(id=1, revision=1, changed_at=now))
    else:
        row.revision, row.changed_at = row.revision + 1, now
    session.flush()


def load_calendar(session: Session, rules_path: Path) -> BusinessCalendar:
    """The calendar as the database says now: rules from the file, overridden by the table's rows."""
    rules: dict[str, DeadlineRule] = dict(load_rules(rules_path))
    rules.update({row.id: row.as_rule() for row in session.scalars(select(DeadlineRuleRow))})
    overrides = {
        day: bool(workday)
        for day, workday in session.execute(select(HolidayOverride.day, HolidayOverride.is_workday))
    }
    years = frozenset(session.scalars(select(CalendarYear.year)))
    return BusinessCalendar(rules=rules, overrides=overrides, imported_years=years)


def source_label(calendar: BusinessCalendar) -> str:
    """How a deadline was computed, as stored with it (≤ 100 characters)."""
    years = sorted(calendar.imported_years)
    label = calendar.source + (f"; 导入 {','.join(map(str, years[-3:]))}" if years else "")
    return label[:100]


# -- deadline rules --------------------------------------------------------------------------------


def seed_rules(session: Session, rules_path: Path, *, now: datetime) -> int:
    """Insert the shipped rules missing from the table; never overwrite an administrator's edit."""
    existing = set(session.scalars(select(DeadlineRuleRow.id)))
    added = 0
    for rule in load_rules(rules_path).values():
        if rule.id in existing:
            continue
        session.add(
            DeadlineRuleRow(
                id=rule.id,
                title=rule.title,
                unit=rule.unit,
                count=rule.count,
                max_count=rule.max_count,
                starts=rule.starts,
                article=rule.article,
                updated_at=now,
                updated_by="seed",
            )
        )
        added += 1
    if added:
        session.flush()
        bump_revision(session, now)
    return added


def list_rules(session: Session, rules_path: Path) -> list[DeadlineRule]:
    return sorted(load_calendar(session, rules_path).rules.values(), key=_rule_order(rules_path))


def _rule_order(rules_path: Path) -> Any:
    shipped = {rule_id: index for index, rule_id in enumerate(load_rules(rules_path))}
    return lambda rule: (shipped.get(rule.id, len(shipped)), rule.id)


def update_rule(
    session: Session,
    rule_id: str,
    changes: Mapping[str, Any],
    *,
    rules_path: Path,
    actor: str,
    now: datetime,
) -> DeadlineRule:
    """Change a rule's unit and/or count. Deadlines already computed keep their values."""
    if session.scalar(select(func.count()).select_from(DeadlineRuleRow)) == 0:
        seed_rules(session, rules_path, now=now)
    row = session.get(DeadlineRuleRow, rule_id, with_for_update=True)
    if row is None:
        raise NotFound(f"没有期限规则 {rule_id}")
    if not {"unit", "count"} & set(changes):
        raise Invalid("没有要修改的内容", errors={"count": "请提供 count 或 unit"})
    before = row.as_rule().as_dict()
    unit = changes.get("unit", row.unit)
    count = changes.get("count", row.count)
    errors: dict[str, str] = {}
    if unit not in UNITS:
        errors["unit"] = f"计算单位须为 {' 或 '.join(UNITS)}"
    if count is None and row.count is not None:
        errors["count"] = "该规则须有固定天数"
    elif count is not None and not (1 <= count <= MAX_RULE_COUNT):
        errors["count"] = f"天数须在 1 到 {MAX_RULE_COUNT} 之间"
    elif count is not None and row.max_count is not None and count > row.max_count:
        errors["count"] = f"该规则最多 {row.max_count} 天"
    if errors:
        raise Invalid("期限规则有误", errors=errors)
    row.unit, row.count, row.updated_at, row.updated_by = unit, count, now, actor
    after = row.as_rule().as_dict()
    chain.append(
        session,
        [
            PendingEvent(
                actor=actor,
                action="calendar.rule_updated",
                data={"rule": rule_id, "before": before, "after": after},
            )
        ],
        at=now,
    )
    bump_revision(session, now)
    return row.as_rule()


# -- day overrides ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOverride:
    day: date
    is_workday: bool
    name: str = ""


def set_override(session: Session, override: DayOverride, *, actor: str, now: datetime) -> HolidayOverride:
    """An administrator marks one day as a working day or a rest day (wins over imports)."""
    row = session.get(HolidayOverride, override.day, with_for_update=True)
    before = None if row is None else {"is_workday": row.is_workday, "name": row.name, "source": row.source}
    if row is None:
        row = HolidayOverride(day=override.day)
        session.add(row)
    row.is_workday, row.name, row.source = override.is_workday, override.name, SOURCE_ADMIN
    row.imported_at, row.changed_by = now, actor
    data = {
        "date": override.day.isoformat(),
        "before": before,
        "is_workday": override.is_workday,
        "name": override.name,
    }
    chain.append(session, [PendingEvent(actor=actor, action="calendar.day_overridden", data=data)], at=now)
    bump_revision(session, now)
    return row


def remove_override(session: Session, day: date, *, actor: str, now: datetime) -> None:
    row = session.get(HolidayOverride, day, with_for_update=True)
    if row is None:
        raise NotFound(f"{day.isoformat()} 没有人工设置")
    data = {"date": day.isoformat(), "is_workday": row.is_workday, "name": row.name, "source": row.source}
    session.delete(row)
    chain.append(
        session, [PendingEvent(actor=actor, action="calendar.day_override_removed", data=data)], at=now
    )
    bump_revision(session, now)


# -- what a range of days looks like ----------------------------------------------------------------

MAX_DAY_RANGE = 366
_PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def list_days(session: Session, calendar: BusinessCalendar, start: date, end: date) -> list[dict[str, Any]]:
    """Every day in [start, end] with whether it is a working day, why, and where that came from."""
    import chinese_calendar

    from service.engine.calendar import PACKAGE_YEARS

    if end < start:
        raise Invalid("日期范围有误", errors={"to": "结束日期不能早于开始日期"})
    if (end - start).days >= MAX_DAY_RANGE:
        raise Invalid("日期范围有误", errors={"to": f"一次最多查询 {MAX_DAY_RANGE} 天"})
    rows = {
        row.day: row
        for row in session.scalars(select(HolidayOverride).where(HolidayOverride.day.between(start, end)))
    }
    days = []
    for offset in range((end - start).days + 1):
        day = date.fromordinal(start.toordinal() + offset)
        workday = calendar.is_workday(day)
        weekend = day.weekday() >= 5
        name, source = "", "weekend-only"
        if day in rows:
            name, source = rows[day].name, rows[day].source
        elif day.year in PACKAGE_YEARS:
            source = "chinesecalendar"
            holiday_name = chinese_calendar.get_holiday_detail(day)[1]
            name = _PACKAGE_NAMES.get(holiday_name, holiday_name or "")
        kind = (
            ("makeup_workday" if weekend else "workday")
            if workday
            else ("weekend" if weekend and not name else "holiday")
        )
        days.append(
            {
                "date": day,
                "is_workday": workday,
                "kind": kind,
                "name": name,
                "source": source,
                "provisional": not calendar.knows_year(day.year),
            }
        )
    return days
