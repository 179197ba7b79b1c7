"""Table-driven checks of both counting rules against the 2024–2026 official arrangements."""

from datetime import date, datetime
from pathlib import Path

import pytest

from service.clock import LOCAL_TZ
from service.engine.calendar import BusinessCalendar, Deadline, load_rules

RULES = load_rules(Path(__file__).resolve().parents[2] / "processes" / "deadline_rules.json")
CAL = BusinessCalendar(rules=RULES)


def local(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 3, 2), 15, date(2026, 3, 17)),  # plain Tuesday, start day not counted
        (date(2026, 9, 16), 15, date(2026, 10, 8)),  # lands on 10-01 (Golden Week) → first workday after
        (date(2025, 12, 20), 15, date(2026, 1, 4)),  # year end: 01-04 is a 调休 Sunday workday
        (date(2026, 1, 30), 15, date(2026, 2, 14)),  # 02-14 is a 调休 Saturday workday
        (date(2026, 2, 1), 15, date(2026, 2, 24)),  # lands in the Spring Festival block
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Saturday → Monday
    ],
)
def test_calendar_day_rule(start: date, count: int, expected: date) -> None:
    assert CAL.end_after_calendar_days(start, count) == (expected, False)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 3, 2), 5, date(2026, 3, 9)),  # Mon → next Mon
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # Golden Week weekdays do not count
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # 10-10 is a 调休 Saturday and counts
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # starting on a Saturday: next workday is day 1
        (date(2024, 12, 31), 1, date(2025, 1, 2)),  # New Year's Day 2025 is a holiday
    ],
)
def test_workday_rule(start: date, count: int, expected: date) -> None:
    assert CAL.end_after_workdays(start, count) == (expected, False)


def test_deadline_ends_at_midnight_local_and_records_how() -> None:
    due = CAL.deadline("D2", local(2026, 3, 2))
    assert isinstance(due, Deadline)
    assert due.due_at == datetime(2026, 3, 17, 23, 59, 59, tzinfo=LOCAL_TZ)
    assert (due.rule, due.unit, due.count, due.provisional) == ("D2", "calendar_day", 15, False)
    assert "chinesecalendar" in due.calendar


def test_year_without_data_counts_weekends_only_and_is_provisional() -> None:
    due = CAL.deadline("D5", local(2026, 12, 15))  # 60 days later is in 2027
    assert due.provisional is True
    assert due.due_at.date() == date(2027, 2, 15)  # 2027-02-13 is a Saturday → Monday


def test_imported_year_makes_a_2027_deadline_final() -> None:
    # An administrator imports 2027 with 02-15 as a (hypothetical) Spring Festival holiday.
    imported = BusinessCalendar(
        rules=RULES,
        overrides={date(2027, 2, 15): False, date(2027, 2, 16): False},
        imported_years=frozenset({2027}),
    )
    due = imported.deadline("D5", local(2026, 12, 15))
    assert due.provisional is False
    assert due.due_at.date() == date(2027, 2, 17)


def test_variable_rule_needs_a_count_within_its_maximum() -> None:
    base = CAL.deadline("D5", local(2026, 3, 2))
    assert base.due_at.date() == date(2026, 5, 6)  # 05-01 falls in the May Day block (05-01…05-05)
    extended = CAL.deadline("D6", base, 30)
    assert extended.due_at.date() == date(2026, 6, 5)
    with pytest.raises(ValueError, match="at most 30"):
        CAL.deadline("D6", base, 31)
    with pytest.raises(ValueError, match="explicit count"):
        CAL.deadline("D6", base)


def test_workdays_between_counts_only_working_days() -> None:
    assert CAL.workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL.workdays_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
