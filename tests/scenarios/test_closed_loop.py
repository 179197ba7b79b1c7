"""Whole petitions through the HTTP API, one test per path of processes/petition.bpmn."""

from __future__ import annotations

from tests.conftest import Harness, petition_body


def test_letter_is_accepted_routed_handled_replied_and_closed(any_harness: Harness) -> None:
    api = any_harness.api
    created = api.register(petition_body())
    pid = created["id"]
    assert created["status"] == "screening"
    assert created["tracking_code"]

    api.complete(pid, "screening", "assessor", decision="accept", statutory_class="claim")
    assert api.petition(pid)["status"] == "accepted"
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    assert api.petition(pid)["status"] == "dispatched"
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="经核查，价格上涨属实，已约谈承包商。")
    api.complete(
        pid,
        "draft_reply",
        "logistics_handler",
        reply_outcome="support",
        reply_text="经核查，二食堂部分窗口涨价未经审批，已责令恢复原价。",
    )
    assert api.petition(pid)["status"] == "reply_review"
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="electronic")
    detail = api.petition(pid)
    assert detail["status"] == "replied"
    assert detail["reply_text"].startswith("经核查")
    api.complete(pid, "follow_up", "assessor", satisfaction="satisfied", resolved=True)

    detail = api.petition(pid)
    assert detail["status"] == "closed"
    assert detail["closed_at"] is not None
    assert detail["current_tasks"] == []
    kinds = [d["kind"] for d in detail["documents"]]
    assert kinds == ["acceptance_notice", "dispatch_form", "reply_opinion"]
    history = api.get(f"/api/v1/petitions/{pid}/history", user="assessor").get_json()["items"]
    completed = [h["element"] for h in history if h["action"] == "task.completed"]
    assert completed == [
        "screening",
        "routing",
        "sign_for",
        "handle",
        "draft_reply",
        "head_signoff",
        "serve_reply",
        "follow_up",
    ]
    instance = api.get(
        f"/api/v1/process-instances/{detail['process_instance_id']}", user="assessor"
    ).get_json()
    assert instance["status"] == "completed"
    assert {"screening", "gw_decision", "send_acceptance", "end_closed"} <= set(
        instance["completed_elements"]
    )


def test_a_limit_shared_by_several_steps_is_listed_once(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="已核实")  # drafting runs under the same D5
    d5 = [d for d in api.petition(pid)["deadlines"] if d["rule"] == "D5"]
    assert len(d5) == 1 and d5[0]["status"] == "active" and d5[0]["element"] == "draft_reply"
