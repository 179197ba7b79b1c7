"""Supervision (督办): overdue steps and supervisors start it; feedback; escalation when feedback is late."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from service.clock import LOCAL_TZ
from service.engine.sweeper import TimerSweeper
from service.petitions.supervision import Supervision, supervise_overdue
from tests.conftest import Harness, petition_body, signed_for

AFTER_SCREENING_DUE = datetime(2026, 3, 18, 9, tzinfo=LOCAL_TZ)  # D2 for a 03-02 letter ends 03-17 24:00


def supervisions(harness: Harness, pid: int) -> list[Supervision]:
    with harness.db.session() as session:
        return list(session.scalars(select(Supervision).where(Supervision.petition_id == pid)))


def test_an_overdue_screening_is_supervised_once(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    runtime = harness.services.runtime
    assert (
        supervise_overdue(runtime, as_of=datetime(2026, 3, 17, 23, tzinfo=LOCAL_TZ)) == 0
    )  # not yet overdue
    assert supervise_overdue(runtime, as_of=AFTER_SCREENING_DUE) == 1
    assert supervise_overdue(runtime, as_of=AFTER_SCREENING_DUE) == 0  # one open supervision per petition
    detail = api.petition(pid)
    assert detail["supervised"] is True
    (row,) = supervisions(harness, pid)
    assert (row.trigger, row.status) == ("overdue", "open") and "审核甄别" in row.reason
    assert api.task(pid, "issue_order", "supervisor")
    actions = [
        h["action"] for h in api.get(f"/api/v1/petitions/{pid}/history", user="assessor").get_json()["items"]
    ]
    assert "petition.supervised" in actions


def test_steps_not_marked_for_supervision_are_not_supervised(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    api.complete(
        pid, "screening", "assessor", decision="accept"
    )  # routing is not marked `overdue: supervise`
    assert supervise_overdue(harness.services.runtime, as_of=datetime(2026, 6, 1, tzinfo=LOCAL_TZ)) == 0


def test_supervisor_supervises_by_decision_and_the_department_feeds_back(harness: Harness) -> None:
    api = harness.api
    pid = signed_for(harness.api)
    url = f"/api/v1/petitions/{pid}/supervision"
    assert api.post(url, {"reason": "群众多次来电催办"}, user="assessor").status_code == 403
    started = api.post(url, {"reason": "群众多次来电催办"}, user="supervisor")
    assert started.status_code == 201 and started.get_json()["trigger"] == "manual"
    assert api.post(url, {"reason": "再次"}, user="supervisor").status_code == 409

    api.complete(
        pid,
        "issue_order",
        "supervisor",
        trigger="delay",
        problem="办理进度缓慢",
        requirements="请于十日内反馈整改情况",
        feedback_days=10,
    )
    feedback = api.task(pid, "feedback", "logistics_head")
    assert feedback["candidate_group"] == "head@logistics" and feedback["deadline_rule"] == "D13"
    api.complete(pid, "feedback", "logistics_head", measures="已召开专题会，价格已恢复")
    api.complete(pid, "review_feedback", "supervisor", feedback_accepted=False, review_note="请附公示照片")
    api.complete(pid, "feedback", "logistics_head", measures="已补充公示照片与整改报告")
    api.complete(pid, "review_feedback", "supervisor", feedback_accepted=True)
    (row,) = supervisions(harness, pid)
    assert row.status == "closed" and row.level == "general"
    assert api.petition(pid)["supervised"] is True  # the flag stays visible on the petition
    listed = api.get("/api/v1/supervisions?status=closed", user="leader").get_json()["items"]
    assert [s["petition_id"] for s in listed] == [pid]


def test_late_feedback_escalates_to_the_school_leader(harness: Harness) -> None:
    api = harness.api
    pid = signed_for(harness.api)
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "拖延"}, user="supervisor")
    api.complete(
        pid,
        "issue_order",
        "supervisor",
        trigger="delay",
        problem="拖延",
        requirements="限期反馈",
        feedback_days=10,
    )
    due = api.task(pid, "feedback", "logistics_head")["due_at"]
    assert due == "2026-03-12T23:59:59+08:00"  # 10 days after 03-02
    sweeper = TimerSweeper(harness.services.runtime)
    assert sweeper.sweep(as_of=datetime(2026, 3, 12, 23, tzinfo=LOCAL_TZ)).fired == 0
    assert sweeper.sweep(as_of=datetime(2026, 3, 13, 0, tzinfo=LOCAL_TZ)).fired == 1
    assert api.task(pid, "escalate", "leader")
    assert api.task(pid, "feedback", "logistics_head")  # the department can still feed back
    api.complete(pid, "escalate", "leader", instruction="请后勤处三日内办结", interview=True)
    (row,) = supervisions(harness, pid)
    assert row.escalated_at is not None and row.status == "open"


def test_an_overdue_step_gets_a_reminder_notice_the_day_after_its_due_date(harness: Harness) -> None:
    """The ladder's first rung (DOMAIN.md §9): a 催办通知书 to the department, then supervision."""
    from service.petitions.models import PetitionDocument

    api = harness.api
    pid = api.register(petition_body())["id"]
    assert supervise_overdue(harness.services.runtime, as_of=AFTER_SCREENING_DUE) == 1
    with harness.db.session() as session:
        notice = session.scalar(
            select(PetitionDocument).where(
                PetitionDocument.petition_id == pid, PetitionDocument.kind == "urge_notice"
            )
        )
    assert notice is not None and notice.title == "催办通知书" and not notice.for_petitioner
    assert "审核甄别" in notice.body and "2026年03月17日" in notice.body
    assert "提请校领导督办" in notice.body and "5个工作日内" not in notice.body, notice.body  # a dated limit
    manual = signed_for(harness.api)
    api.post(f"/api/v1/petitions/{manual}/supervision", {"reason": "群众多次来电催办"}, user="supervisor")
    kinds = [
        d["kind"]
        for d in api.get(f"/api/v1/petitions/{manual}/documents", user="assessor").get_json()["items"]
    ]
    assert "urge_notice" not in kinds  # a supervisor's own decision starts with the 督办单 itself


def test_a_step_still_late_five_working_days_after_its_reminder_notice_is_criticised_once(
    harness: Harness,
) -> None:
    """The ladder's last rung: a 通报, unless the department explained itself (supervision feedback)."""
    from service.petitions.criticism import criticise_overdue
    from service.petitions.models import PetitionDocument

    api, runtime = harness.api, harness.services.runtime
    pid = api.register(petition_body())["id"]
    explained = api.register(petition_body(title="另一件超期事项"))["id"]
    harness.clock.advance(AFTER_SCREENING_DUE - harness.clock.now())  # the sweep runs the day after
    assert supervise_overdue(runtime) == 2
    assert criticise_overdue(runtime, as_of=AFTER_SCREENING_DUE + timedelta(days=2)) == 0  # within 5 工作日
    order = {"trigger": "delay", "level": "general", "problem": "审核超期", "requirements": "立即审核"}
    api.complete(explained, "issue_order", "supervisor", **order)
    api.complete(explained, "feedback", "assessor", measures="已说明：材料不全，正在补正", adopted=True)
    later = AFTER_SCREENING_DUE + timedelta(days=14)
    assert criticise_overdue(runtime, as_of=later) == 1
    assert criticise_overdue(runtime, as_of=later) == 0  # once per reminder notice
    with harness.db.session() as session:
        kinds = {
            petition_id: [
                k
                for (k,) in session.execute(
                    select(PetitionDocument.kind).where(PetitionDocument.petition_id == petition_id)
                )
            ]
            for petition_id in (pid, explained)
        }
        notice = session.scalar(select(PetitionDocument).where(PetitionDocument.kind == "criticism_notice"))
    assert "criticism_notice" in kinds[pid] and "criticism_notice" not in kinds[explained]
    assert notice is not None and notice.title == "通报" and "审核甄别" in notice.body
