"""Metrics on a hand-made set: every expected number below is worked out by hand from the
definitions in docs/governance.md (the comments show the arithmetic)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from service.governance import metrics
from service.governance.bulk import insert_petitions
from service.governance.periods import month_of
from tests.conftest import Harness, petition_body
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
        "registered": 15,  # P1–P9, P11 and P14–P18; P10/P13 are February, P12 is April
        "open": 5,  # P7, P8, P9, P11, P17 (P6 is merged)
        # P1–P5, P10, P14, P15, P16, P18 (closed in March with status 办结); P6 merged is not 办结
        "closed": 10,
        "repeat": 1,  # P6
        "repeat_rate": 0.0667,  # 1 / 15
        "overdue": 3,  # P2 (D5 late), P8 (D2 running past due), P9 (D2 late)
        # ÷ registered (DOMAIN.md §10), less those still inside their window as of 1 April (P7, P11):
        # met P1–P6, P14, P15, P16, P18 = 10 / 13 (P8 overdue, P9 late, P17 never screened count)
        "timely_acceptance_rate": 0.7692,
        "on_time_completion_rate": 0.9,  # 9 / 10 (P2's handling clock was late)
        # eligible: closed less P4 (举报) and P16, P18 (检举控告类) = P1, P2, P3, P5, P10, P14, P15
        "rating_rate": 1.0,  # rated 7 / eligible 7 (P16's rating is not counted, P18 was not asked)
        "satisfaction_rate": 0.8571,  # (5 satisfied: P1, P5, P10, P14, P15 + 1 basically: P2) / 7
        "satisfied_rate": 0.7143,  # 5 / 7
        # ÷ rated with the 已解决 question answered (P15 was not asked): P1, P2, P3, P5, P10, P14
        "resolution_rate": 0.6667,  # resolved P1, P5, P10, P14 = 4 / 6
        "average_handling_days": 11.0,  # (10 + 20 + 3 + 10 + 1 + 13 + 10 + 10 + 14 + 19) / 10
        "direct_answer_rate": 0.1,  # P5 / 10 closed (P14 was converted to normal handling)
        "dispatched": 6,  # P1, P2, P3 twice, P9, P14 (P10's was in February)
        # signed for by the due time: P1, P3's second, P14 = 3 / 6 (P2 late; P3's first was a 退单;
        # P9 open past due counts)
        "response_rate": 0.5,
        "returned": 1,  # P3 by logistics
        "return_rate": 0.1667,  # 1 / 6
        "supervised": 1,  # P2
        "items_closed": 0,
        "items_on_time_rate": None,
    }
    assert {key: totals[key] for key in expected} == expected
    counts = totals["counts"]
    assert (counts["acceptance_due"], counts["accepted_in_time"]) == (13, 10)
    assert (counts["rating_eligible"], counts["rated"]) == (7, 7)
    assert (counts["resolution_answered"], counts["resolved"]) == (6, 4)
    assert (counts["dispatch_due"], counts["responded_in_time"]) == (6, 3)
    assert counts["direct_answered"] == 1


def test_a_petition_inside_its_acceptance_window_is_judged_once_its_clock_runs_out(march: Harness) -> None:
    period = month_of(date(2026, 3, 1))
    with march.db.session() as session:
        later = metrics.compute(session, since=period.since, until=period.until, as_of=at(4, 5))
    # as of 5 April P7's clock (due 4 April) has run out unscreened: 10 met / 14 (only P11 still waits)
    assert later["timely_acceptance_rate"] == 0.7143
    assert later["counts"]["acceptance_due"] == 14


def test_breakdowns_previous_period_and_change(march: Harness) -> None:
    with march.db.session() as session:
        report = metrics.report(session, month_of(date(2026, 3, 1)), now=at(4, 2))
    logistics = next(r for r in report["breakdowns"]["department"] if r["key"] == "logistics")
    # petitions led by logistics: P1, P2, P9; dispatches to it: P1, P2, P3 (returned), P9
    assert (logistics["registered"], logistics["closed"], logistics["dispatched"]) == (3, 3, 4)
    assert logistics["return_rate"] == 0.25  # 1 / 4
    assert logistics["response_rate"] == 0.25  # only P1 signed for in time / 4 (P3's was a 退单)
    assert logistics["on_time_completion_rate"] == 0.6667  # closed P1, P2, P10; P2 late
    academic = next(r for r in report["breakdowns"]["department"] if r["key"] == "academic")
    # closed by academic: P3 (unresolved), P14 (resolved), P15 (not asked whether resolved)
    assert (academic["closed"], academic["resolution_rate"], academic["direct_answer_rate"]) == (3, 0.5, 0.0)
    discipline = next(r for r in report["breakdowns"]["department"] if r["key"] == "discipline")
    # P4 (举报), P16 and P18 (检举控告类): none counts for satisfaction
    assert (discipline["closed"], discipline["counts"]["rating_eligible"]) == (3, 0)
    assert (discipline["satisfaction_rate"], discipline["rating_rate"], discipline["resolution_rate"]) == (
        None,
        None,
        None,
    )
    consultation = next(r for r in report["breakdowns"]["request_type"] if r["key"] == "consultation")
    assert (consultation["closed"], consultation["direct_answer_rate"]) == (2, 0.5)  # P5 of P5, P14
    categories = {r["key"]: r["registered"] for r in report["breakdowns"]["category"]}
    assert categories == {"logistics": 7, "teaching": 2, "ethics": 3, "other": 3}
    assert report["breakdowns"]["category"][0]["label"] == "后勤服务"
    channels = {r["key"]: r["registered"] for r in report["breakdowns"]["channel"]}
    assert channels == {"letter": 6, "online": 5, "visit": 2, "phone": 2}
    # February: P10 and P13 received; P13 closed (10 days, satisfied)
    previous = report["previous"]
    assert (previous["registered"], previous["closed"], previous["satisfaction_rate"]) == (2, 1, 1.0)
    assert report["change"]["registered"] == 13
    assert report["change"]["satisfaction_rate"] == pytest.approx(-0.1429)
    assert report["change"]["average_handling_days"] == pytest.approx(1.0)


def test_a_department_sees_only_its_own_numbers(march: Harness) -> None:
    period = month_of(date(2026, 3, 1))
    with march.db.session() as session:
        report = metrics.report(session, period, now=at(4, 2), department="logistics")
    assert report["totals"]["registered"] == 3
    assert report["totals"]["dispatched"] == 4
    assert [r["key"] for r in report["breakdowns"]["department"]] == ["logistics"]
    assert sum(r["registered"] for r in report["breakdowns"]["category"]) == 3


def test_the_definitions_hold_on_petitions_run_through_the_runtime(any_harness: Harness) -> None:
    """The rows the runtime really writes (tasks, clocks, notices, the follow-up answer), not the
    bulk writer's stand-ins: a 退单, a direct answer, an unanswered 已解决 question and a petition
    screened as 检举控告类. (The converted fast-track case is P14 of the hand-made set.)"""
    api, clock = any_harness.api, any_harness.clock

    def step(pid: int, name: str, user: str, **data: Any) -> None:
        clock.advance(timedelta(minutes=10))  # every step at its own moment, as in real use
        api.complete(pid, name, user, **data)

    def handle_and_reply(pid: int, department: str = "logistics") -> None:
        handler, head = f"{department}_handler", f"{department}_head"
        step(pid, "sign_for", handler, sign_result="sign")
        step(pid, "handle", handler, findings="已核实。")
        step(
            pid, "draft_reply", handler, reply_outcome="explain", reply_text="经核实，情况说明如下：已整改。"
        )
        step(pid, "head_signoff", head, approval="approve")
        step(pid, "serve_reply", handler, delivery_method="electronic")

    # A: returned by logistics in time (a 退单, not a response), then signed for by academic
    returned = api.register(petition_body())["id"]
    step(returned, "screening", "assessor", decision="accept", statutory_class="claim")
    step(returned, "routing", "assessor", department="logistics", co_departments=[])
    step(returned, "sign_for", "logistics_handler", sign_result="return", return_reason="属于教务处职责范围")
    step(returned, "review_return", "assessor", return_approved=True)
    step(returned, "routing", "assessor", department="academic", co_departments=[])
    step(returned, "sign_for", "academic_handler", sign_result="sign")
    # B: answered directly and closed (satisfied, resolved)
    direct = api.register(petition_body(request_type="consultation", title="补办学生证流程"))["id"]
    step(direct, "screening", "assessor", decision="fast_track")
    step(direct, "fast_answer", "assessor", reply_text="请携带身份证到学生服务中心办理。")
    step(direct, "follow_up", "assessor", satisfaction="satisfied", resolved=True)
    # C: screened as 检举控告类, handled, the result fed back (not rated): left out of satisfaction
    accusation = api.register(petition_body(title="反映某教师违规收费"))["id"]
    step(accusation, "screening", "assessor", decision="accept", statutory_class="accusation")
    step(accusation, "routing", "assessor", department="discipline", co_departments=[])
    handle_and_reply(accusation, "discipline")
    step(accusation, "report_feedback", "assessor", feedback_result="told", feedback_method="phone")
    # D: handled, basically satisfied; not asked whether the problem was solved
    unasked = api.register(petition_body(title="食堂排队时间过长"))["id"]
    step(unasked, "screening", "assessor", decision="accept", statutory_class="claim")
    step(unasked, "routing", "assessor", department="logistics", co_departments=[])
    handle_and_reply(unasked)
    step(unasked, "follow_up", "assessor", satisfaction="basically_satisfied")
    assert {api.petition(pid)["status"] for pid in (direct, accusation, unasked)} == {"closed"}

    period = month_of(date(2026, 3, 1))
    with any_harness.db.session() as session:
        totals = metrics.compute(session, since=period.since, until=period.until)
    assert (totals["registered"], totals["closed"], totals["dispatched"], totals["returned"]) == (4, 3, 4, 1)
    assert totals["response_rate"] == 0.75  # A's second, C, D signed for / 4 (A's first was a 退单)
    assert totals["direct_answer_rate"] == 0.3333  # B / 3 closed
    assert totals["rating_rate"] == 1.0  # B, D rated / 2 eligible (C is 检举控告类)
    assert totals["satisfaction_rate"] == 1.0  # B satisfied + D basically / 2
    assert totals["satisfied_rate"] == 0.5  # B / 2
    assert totals["resolution_rate"] == 1.0  # B resolved / 1 answered (D not asked, C left out)
    assert totals["timely_acceptance_rate"] == 1.0  # all four screened at once / 4 registered
