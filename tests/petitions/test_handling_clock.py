"""The handling clock: D5 (or the approved extension) runs until the reply is signed off, and a
reopened case (重办) runs on its own REDO clock rather than the long-expired original one."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.petitions.supervision import supervise_overdue
from tests.conftest import Harness, petition_body


def signed_for(harness: Harness) -> int:
    api = harness.api
    pid: int = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="已核实")
    return pid


def draft(harness: Harness, pid: int) -> None:
    reply = "经核实，二食堂已恢复原价并公示。"
    harness.api.complete(pid, "draft_reply", "logistics_handler", reply_outcome="support", reply_text=reply)


def test_sign_off_keeps_three_working_days_when_the_handling_limit_is_far(harness: Harness) -> None:
    pid = signed_for(harness)
    draft(harness, pid)
    assert harness.api.task(pid, "head_signoff", "logistics_head")["deadline_rule"] == "SIGNOFF"


def test_sign_off_is_due_by_the_handling_limit_when_that_comes_first(harness: Harness) -> None:
    api = harness.api
    pid = signed_for(harness)
    d5_due = datetime.fromisoformat(api.task(pid, "draft_reply", "logistics_handler")["due_at"])
    harness.clock.set(d5_due - timedelta(days=1))
    draft(harness, pid)
    signoff = api.task(pid, "head_signoff", "logistics_head")
    assert signoff["deadline_rule"] == "D5"
    assert datetime.fromisoformat(signoff["due_at"]) == d5_due


def test_a_reopened_case_is_drafted_on_the_redo_clock_not_the_expired_handling_limit(
    harness: Harness,
) -> None:
    api, runtime = harness.api, harness.services.runtime
    pid = signed_for(harness)
    d5_due = datetime.fromisoformat(api.task(pid, "draft_reply", "logistics_handler")["due_at"])
    draft(harness, pid)
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="in_person")
    harness.clock.set(d5_due + timedelta(days=10))  # dissatisfied long after the original limit
    api.complete(pid, "follow_up", "assessor", satisfaction="dissatisfied")
    redo_due = api.task(pid, "rehandle", "logistics_handler")["due_at"]
    api.complete(pid, "rehandle", "logistics_handler", findings="重新核查")
    again = api.task(pid, "draft_reply", "logistics_handler")
    assert (again["deadline_rule"], again["due_at"]) == ("REDO", redo_due)
    assert supervise_overdue(runtime, as_of=harness.clock.now()) == 0  # not overdue the moment it reopens
    draft(harness, pid)
    assert api.task(pid, "head_signoff", "logistics_head")["deadline_rule"] == "SIGNOFF"
