"""Importing a year's holiday arrangement, and recomputing the deadlines that waited for it.

The file has holiday-cn's shape (DOMAIN.md §3)::

    {"year": 2027, "papers": ["https://www.gov.cn/…"],
     "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, …]}

`days` lists only the exceptions: rest days on weekdays and make-up (调休) working days on weekends.
A holiday block that spans New Year may list days of the neighbouring year (e.g. 2026-12-31 in the
2027 file); those are accepted within a month of the year's edges.

After the import, every provisional deadline whose period reaches the imported year is computed
again with the new data. A petitioner may already have been told the provisional date, so a deadline
is never shortened: the new due moment is the later of the old and the new computation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.clock import LOCAL_TZ
from service.engine.calendar import END_OF_DAY, WORKDAY, BusinessCalendar
from service.engine.holidays import (
    SOURCE_ADMIN,
    SOURCE_IMPORT,
    CalendarYear,
    DayOverride,
    HolidayOverride,
    bump_revision,
    load_calendar,
    source_label,
)
from service.engine.models import DeadlineRecord, HumanTask, ProcessInstance
from service.errors import Invalid

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_DAYS = 400
_EDGE = timedelta(days=31)


@dataclass(frozen=True)
class YearArrangement:
    year: int
    days: tuple[DayOverride, ...]
    papers: tuple[str, ...] = ()


def parse_arrangement_text(text: str | bytes) -> YearArrangement:
    """Parse and validate a file's content; `Invalid` names every field that is wrong."""
    try:
        raw = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid("节假日文件不是有效的 JSON", errors={"file": f"JSON 解析失败：{error}"}) from None
    return parse_arrangement(raw)


def parse_arrangement(raw: Any) -> YearArrangement:
    if not isinstance(raw, dict):
        raise Invalid("节假日文件格式有误", errors={"file": "应为 JSON 对象（含 year、days）"})
    errors: dict[str, str] = {}
    year = raw.get("year")
    if year is None:
        errors["year"] = "此项为必填项"
    elif not isinstance(year, int) or isinstance(year, bool):
        errors["year"] = "应为整数（如 2027）"
    elif not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = f"年份须在 {MIN_YEAR} 到 {MAX_YEAR} 之间"
    papers = raw.get("papers", [])
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        errors["papers"] = "应为文本列表（国务院通知的网址）"
    days = _parse_days(raw.get("days"), year if "year" not in errors else None, errors)
    if errors:
        raise Invalid("节假日文件未通过校验", errors=errors)
    assert isinstance(year, int)
    return YearArrangement(year=year, days=tuple(days), papers=tuple(papers))


def _parse_days(raw: Any, year: int | None, errors: dict[str, str]) -> list[DayOverride]:
    if raw is None:
        errors["days"] = "此项为必填项"
        return []
    if not isinstance(raw, list):
        errors["days"] = "应为列表"
        return []
    if not raw:
        errors["days"] = "没有任何日期（该年的放假安排可能尚未发布）"
        return []
    if len(raw) > MAX_DAYS:
        errors["days"] = f"最多 {MAX_DAYS} 项"
        return []
    parsed: list[DayOverride] = []
    seen: dict[date, int] = {}
    for index, item in enumerate(raw):
        where = f"days.{index}"
        if not isinstance(item, dict):
            errors[where] = "应为对象（含 name、date、isOffDay）"
            continue
        name, off, text = item.get("name"), item.get("isOffDay"), item.get("date")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            errors[f"{where}.name"] = "应为不超过 100 字的节日名称"
        if not isinstance(off, bool):
            errors[f"{where}.isOffDay"] = "应为 true（放假）或 false（调休上班）"
        day = _parse_date(text, year, f"{where}.date", errors)
        if day is not None and day in seen:
            errors[f"{where}.date"] = f"与第 {seen[day]} 项日期重复"
        elif day is not None:
            seen[day] = index
        if day is not None and isinstance(off, bool) and isinstance(name, str):
            parsed.append(DayOverride(day=day, is_workday=not off, name=name.strip()))
    return parsed


def _parse_date(text: Any, year: int | None, where: str, errors: dict[str, str]) -> date | None:
    if not isinstance(text, str):
        errors[where] = "应为日期文本（YYYY-MM-DD）"
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[where] = f"不是有效日期：{text}（应为 YYYY-MM-DD）"
        return None
    if year is not None and not date(year, 1, 1) - _EDGE <= day <= date(year, 12, 31) + _EDGE:
        errors[where] = f"日期 {text} 不在 {year} 年内（跨年假期最多相差一个月）"
        return None
    return day


# -- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recomputed:
    deadline_id: int
    instance_id: str
    task_id: str | None
    rule: str
    before: datetime
    computed: datetime
    due_at: datetime
    provisional: bool

    @property
    def kept_earlier(self) -> bool:
        """The new computation was earlier than what people had been told, so the old date stands."""
        return self.computed < self.before

    def as_dict(self) -> dict[str, Any]:
        return {
            "deadline_id": self.deadline_id,
            "instance_id": self.instance_id,
            "task_id": self.task_id,
            "rule": self.rule,
            "before": self.before.isoformat(),
            "computed": self.computed.isoformat(),
            "due_at": self.due_at.isoformat(),
            "provisional": self.provisional,
            "kept_earlier": self.kept_earlier,
        }


@dataclass(frozen=True)
class ImportResult:
    year: int
    days: int
    replaced: bool
    kept_admin_days: list[date] = field(default_factory=list)
    recomputed: list[Recomputed] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "days": self.days,
            "replaced": self.replaced,
            "kept_admin_days": [d.isoformat() for d in self.kept_admin_days],
            "recomputed": [r.as_dict() for r in self.recomputed],
        }


def import_year(
    session: Session,
    arrangement: YearArrangement,
    *,
    rules_path: Path,
    actor: str,
    now: datetime,
    source: str = "holiday-cn",
) -> ImportResult:
    """Store a year's arrangement (replacing an earlier import of it) and recompute what waited for it."""
    year = arrangement.year
    existing = session.get(CalendarYear, year, with_for_update=True)
    replaced = existing is not None
    session.execute(
        delete(HolidayOverride).where(
            HolidayOverride.source == SOURCE_IMPORT,
            HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31)),
        )
    )
    admin_rows = {
        row.day: row
        for row in session.scalars(
            select(HolidayOverride).where(HolidayOverride.day.in_([d.day for d in arrangement.days]))
        )
    }
    kept: list[date] = []
    for item in arrangement.days:
        row = admin_rows.get(item.day)
        if row is not None and row.source == SOURCE_ADMIN:
            kept.append(item.day)
            continue
        if row is None:
            row = HolidayOverride(day=item.day)
            session.add(row)
        row.is_workday, row.name, row.source = item.is_workday, item.name, SOURCE_IMPORT
        row.imported_at, row.changed_by = now, actor
    if existing is None:
        existing = CalendarYear(year=year)
        session.add(existing)
    existing.source, existing.papers, existing.day_count = (
        source[:100],
        list(arrangement.papers),
        len(arrangement.days),
    )
    existing.imported_at, existing.imported_by = now, actor
    session.flush()
    bump_revision(session, now)
    calendar = load_calendar(session, rules_path)
    recomputed = recompute_provisional(session, calendar, year=year, actor=actor, now=now)
    event = PendingEvent(
        actor=actor,
        action="calendar.year_imported",
        data={
            "year": year,
            "days": len(arrangement.days),
            "papers": list(arrangement.papers),
            "replaced": replaced,
            "kept_admin_days": [d.isoformat() for d in kept],
            "recomputed": len(recomputed),
        },
    )
    chain.append(session, [event], at=now)
    return ImportResult(year, len(arrangement.days), replaced, sorted(kept), recomputed)


def recompute_provisional(
    session: Session, calendar: BusinessCalendar, *, year: int, actor: str, now: datetime
) -> list[Recomputed]:
    """Compute every provisional deadline reaching `year` again; never move one earlier.

    The stored unit and count are used (a rule edited since does not change a deadline already
    computed). The deadline record and its task's due date change together, with an audit event each.
    """
    records = session.scalars(
        select(DeadlineRecord)
        .where(DeadlineRecord.provisional.is_(True))
        .order_by(DeadlineRecord.id)
        .with_for_update()
    ).all()
    label = source_label(calendar)
    changed: list[Recomputed] = []
    events: list[PendingEvent] = []
    for record in records:
        start_day = record.start_at.astimezone(LOCAL_TZ).date()
        if not start_day.year <= year <= record.due_at.astimezone(LOCAL_TZ).year:
            continue
        if record.unit == WORKDAY:
            last, provisional = calendar.end_after_workdays(start_day, record.count)
        else:
            last, provisional = calendar.end_after_calendar_days(start_day, record.count)
        computed = datetime.combine(last, END_OF_DAY, LOCAL_TZ)
        before = record.due_at
        due_at = max(before, computed)
        if due_at == before and provisional:
            continue  # still waiting for another year's data, nothing changed
        change = Recomputed(
            record.id, record.instance_id, record.task_id, record.rule, before, computed, due_at, provisional
        )
        record.due_at, record.provisional, record.calendar = due_at, provisional, label
        if record.status == "late" and record.met_at is not None and record.met_at <= due_at:
            record.status = "met"
        business_key = _project_task(session, record, before, due_at)
        changed.append(change)
        events.append(
            PendingEvent(
                actor=actor,
                action="deadline.recomputed",
                instance_id=record.instance_id,
                business_key=business_key,
                task_id=record.task_id,
                element_id=record.element_id,
                data={**change.as_dict(), "calendar": label},
            )
        )
    chain.append(session, events, at=now)
    return changed


def _project_task(session: Session, record: DeadlineRecord, before: datetime, due_at: datetime) -> str | None:
    """Move the task's due date with its deadline; return the business key for the audit event."""
    task = session.get(HumanTask, record.task_id) if record.task_id else None
    if task is not None:
        if task.due_at == before:
            task.due_at = due_at
        return task.business_key
    instance = session.get(ProcessInstance, record.instance_id)
    return instance.business_key if instance is not None else None
