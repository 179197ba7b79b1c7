"""Metrics on a hand-made set: every expected number below is worked out by hand from the
definitions in docs/governance.md (the comments show the arithmetic)."""

from __future__ import annotations

from datetime import date

import pytest

from service.governance import metrics
from service.governance.bulk import insert_petitions
from service.governance.periods import month_of
from tests.conftest import Harness
from tests.governance.handmade import at, march_set


@pytest.fixture
def march(any_harness: Harness) -> Harness:
    with any_harness.db.transaction() as session:
        insert_petitions(session, march_set())
    return any_harness


def test_march_totals_are_exact(march: Harness) -> None:
    period = month_of(date(2026, 3, 1))
    with march.db.session() as session:
        totals = metrics.compute(session, since=period.since, until=period.until)
    expected = {
        "registered": 10,  # P1–P9 and P11; P10/P13 are February, P12 is April
        "open": 4,  # P7, P8, P9, P11 (P6 is merged)
        "closed": 6,  # P1–P5 and P10 (closed in March with status 办结); P6 merged is not 办结
        "repeat": 1,  # P6
        "repeat_rate": 0.1,  # 1 / 10
        "overdue": 3,  # P2 (D5 late), P8 (D2 running past due), P9 (D2 late)
        "timely_acceptance_rate": 0.75,  # met: P1–P6 = 6; due: those + P8 + P9 = 8 (P7, P11 not yet due)
        "on_time_completion_rate": 0.8333,  # 5 / 6 (P2's handling clock was late)
        "rating_rate": 1.0,  # rated 5 / eligible 5 (P4 is a report, not asked)
        "satisfaction_rate": 0.8,  # (3 satisfied + 1 basically) / 5 rated
        "satisfied_rate": 0.6,  # 3 / 5
        "resolution_rate": 0.6,  # resolved P1, P5, P10 / 5 rated
        "average_handling_days": 9.5,  # (10 + 20 + 3 + 10 + 1 + 13) / 6
        "direct_answer_rate": 0.1667,  # P5 / 6 closed
        "dispatched": 5,  # P1, P2, P3 twice, P9 (P10's was in February)
        "response_rate": 0.6,  # signed in time: P1, P3 (both) = 3 / 5 (P9 open past due counts)
        "returned": 1,  # P3 by logistics
        "return_rate": 0.2,  # 1 / 5
        "supervised": 1,  # P2
        "items_closed": 0,
        "items_on_time_rate": None,
    }
    assert {key: totals[key] for key in expected} == expected


def test_breakdowns_previous_period_and_change(march: Harness) -> None:
    with march.db.session() as session:
        report = metrics.report(session, month_of(date(2026, 3, 1)), now=at(4, 2))
    logistics = next(r for r in report["breakdowns"]["department"] if r["key"] == "logistics")
    # petitions led by logistics: P1, P2, P9; dispatches to it: P1, P2, P3 (returned), P9
    assert (logistics["registered"], logistics["closed"], logistics["dispatched"]) == (3, 3, 4)
    assert logistics["return_rate"] == 0.25  # 1 / 4
    assert logistics["response_rate"] == 0.5  # P1 and P3's first dispatch in time / 4
    assert logistics["on_time_completion_rate"] == 0.6667  # closed P1, P2, P10; P2 late
    categories = {r["key"]: r["registered"] for r in report["breakdowns"]["category"]}
    assert categories == {"logistics": 6, "teaching": 1, "ethics": 1, "other": 2}
    assert report["breakdowns"]["category"][0]["label"] == "后勤服务"
    channels = {r["key"]: r["registered"] for r in report["breakdowns"]["channel"]}
    assert channels == {"letter": 4, "online": 4, "visit": 1, "phone": 1}
    # February: P10 and P13 received; P13 closed (10 days, satisfied)
    previous = report["previous"]
    assert (previous["registered"], previous["closed"], previous["satisfaction_rate"]) == (2, 1, 1.0)
    assert report["change"]["registered"] == 8
    assert report["change"]["satisfaction_rate"] == pytest.approx(-0.2)
    assert report["change"]["average_handling_days"] == pytest.approx(-0.5)


def test_a_department_sees_only_its_own_numbers(march: Harness) -> None:
    period = month_of(date(2026, 3, 1))
    with march.db.session() as session:
        report = metrics.report(session, period, now=at(4, 2), department="logistics")
    assert report["totals"]["registered"] == 3
    assert report["totals"]["dispatched"] == 4
    assert [r["key"] for r in report["breakdowns"]["department"]] == ["logistics"]
    assert sum(r["registered"] for r in report["breakdowns"]["category"]) == 3
