"""The duty roster: deterministic generation over working days, continuation, swaps and assignment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.reception import roster
from tests.conftest import Harness

OFFICE = roster.Editor("assessor", "assessor")
ROTA = ["leader_cao", "leader_li", "leader_wu"]


def generate(harness: Harness, first: date, last: date, **options: object) -> list[tuple[date, str]]:
    with harness.db.transaction() as session:
        rows = roster.generate_roster(
            session,
            calendar=harness.services.calendar.current(),
            editor=OFFICE,
            first=first,
            last=last,
            now=harness.clock.now(),
            **options,  # type: ignore[arg-type]
        )
        return [(r.duty_date, r.leader_username) for r in rows]


def on_roster(harness: Harness, first: date, last: date) -> dict[date, str]:
    with harness.db.session() as session:
        return {r.duty_date: r.leader_username for r in roster.list_roster(session, first, last)}


def test_working_days_round_robin_in_the_given_order(any_leaders: Harness) -> None:
    got = generate(any_leaders, date(2026, 3, 2), date(2026, 3, 15), leaders=ROTA)
    assert [d for d, _ in got] == [date(2026, 3, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]
    assert [u for _, u in got] == (ROTA * 4)[:10]
    assert generate(any_leaders, date(2026, 3, 16), date(2026, 3, 16), leaders=ROTA) == [
        (date(2026, 3, 16), "leader_li")  # the turn continues after 03-13's leader_cao
    ]


def test_holidays_are_skipped_and_make_up_saturdays_are_duty_days(leaders: Harness) -> None:
    calendar = leaders.services.calendar.current()
    first, last = date(2026, 2, 9), date(2026, 2, 28)
    got = [d for d, _ in generate(leaders, first, last, leaders=ROTA)]
    expected = [first + timedelta(n) for n in range(20) if calendar.is_workday(first + timedelta(n))]
    assert got == expected
    assert date(2026, 2, 14) in got and date(2026, 2, 28) in got  # 调休 Saturdays
    assert date(2026, 2, 17) not in got  # Spring Festival


def test_every_calendar_day_when_rest_days_are_included(leaders: Harness) -> None:
    got = generate(leaders, date(2026, 3, 2), date(2026, 3, 8), leaders=ROTA, include_rest_days=True)
    assert [u for _, u in got] == (ROTA * 3)[:7]


def test_default_rota_is_every_active_school_leader(leaders: Harness) -> None:
    with leaders.db.session() as session:
        everyone = roster.school_leaders(session)
    got = generate(leaders, date(2026, 3, 2), date(2026, 3, 31))
    assert everyone[0] == "leader" and "leader_pan" in everyone
    assert [u for _, u in got][: len(everyone)] == everyone


def test_a_rostered_period_is_not_overwritten_unless_asked(leaders: Harness) -> None:
    generate(leaders, date(2026, 3, 2), date(2026, 3, 6), leaders=ROTA)
    with pytest.raises(Conflict):
        generate(leaders, date(2026, 3, 5), date(2026, 3, 10), leaders=ROTA)
    replaced = generate(leaders, date(2026, 3, 5), date(2026, 3, 10), leaders=["leader_pan"], replace=True)
    assert [u for _, u in replaced] == ["leader_pan"] * 4
    assert on_roster(leaders, date(2026, 3, 4), date(2026, 3, 5)) == {
        date(2026, 3, 4): "leader_wu",
        date(2026, 3, 5): "leader_pan",
    }


def test_swapping_two_days_keeps_one_leader_per_day(any_leaders: Harness) -> None:
    generate(any_leaders, date(2026, 3, 2), date(2026, 3, 6), leaders=ROTA)
    before = on_roster(any_leaders, date(2026, 3, 2), date(2026, 3, 6))
    with any_leaders.db.transaction() as session:
        roster.swap_days(
            session,
            editor=OFFICE,
            first=date(2026, 3, 2),
            second=date(2026, 3, 4),
            now=any_leaders.clock.now(),
        )
    after = on_roster(any_leaders, date(2026, 3, 2), date(2026, 3, 6))
    assert after[date(2026, 3, 2)] == before[date(2026, 3, 4)] == "leader_wu"
    assert after[date(2026, 3, 4)] == before[date(2026, 3, 2)] == "leader_cao"
    assert sorted(after.values()) == sorted(before.values()) and len(after) == 5
    with any_leaders.db.transaction() as session, pytest.raises(NotFound):
        roster.swap_days(
            session,
            editor=OFFICE,
            first=date(2026, 3, 2),
            second=date(2026, 3, 7),
            now=any_leaders.clock.now(),
        )


def test_one_day_can_be_assigned_and_only_the_office_edits(leaders: Harness) -> None:
    with leaders.db.transaction() as session:
        roster.assign_day(
            session,
            editor=OFFICE,
            day=date(2026, 3, 7),
            leader="leader_xu",
            note="周六来访接待日",
            now=leaders.clock.now(),
        )
    assert on_roster(leaders, date(2026, 3, 7), date(2026, 3, 7)) == {date(2026, 3, 7): "leader_xu"}
    with leaders.db.transaction() as session, pytest.raises(Invalid):
        roster.assign_day(
            session,
            editor=OFFICE,
            day=date(2026, 3, 8),
            leader="assessor",
            note=None,
            now=leaders.clock.now(),
        )
    with leaders.db.transaction() as session, pytest.raises(Forbidden):
        roster.generate_roster(
            session,
            calendar=leaders.services.calendar.current(),
            editor=roster.Editor("leader_cao", "leader"),
            first=date(2026, 3, 9),
            last=date(2026, 3, 9),
            now=leaders.clock.now(),
        )
