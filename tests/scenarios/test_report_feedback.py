"""检举控告类 items are not rated: after the reply the office feeds the result back to the reporter
(report_feedback) instead of the satisfaction follow-up, and they close without a satisfaction."""

from __future__ import annotations

from typing import Any

from tests.conftest import Harness, petition_body
from tests.support import ApiClient

REPORT = {"request_type": "report", "category": "ethics", "title": "举报某教师收受学生财物"}


def served_by_discipline(api: ApiClient, pid: int, **screening: Any) -> None:
    api.complete(pid, "screening", "assessor", decision="accept", **screening)
    api.complete(pid, "routing", "assessor", department="discipline", co_departments=[])
    api.complete(pid, "sign_for", "discipline_handler", sign_result="sign")
    api.complete(pid, "handle", "discipline_handler", findings="经初步核实，已按程序立案调查。")
    api.complete(
        pid, "draft_reply", "discipline_handler", reply_outcome="explain", reply_text="已立案调查并依规处理。"
    )
    api.complete(pid, "head_signoff", "discipline_head", approval="approve")
    phoned = api.submit(pid, "serve_reply", "discipline_handler", delivery_method="phone")
    assert phoned.status_code == 422 and "电子送达" in phoned.get_json()["errors"]["delivery_method"]
    api.complete(pid, "serve_reply", "discipline_handler", delivery_method="electronic")


def open_forms(api: ApiClient, pid: int) -> list[str]:
    items = api.get(f"/api/v1/tasks?petition_id={pid}", user="assessor").get_json()["items"]
    return [task["form"] for task in items]


def test_a_report_is_fed_back_not_rated_and_closes_without_a_satisfaction(any_harness: Harness) -> None:
    api = any_harness.api
    created = api.register(petition_body(**REPORT))
    pid = created["id"]
    served_by_discipline(api, pid, statutory_class="accusation")
    assert open_forms(api, pid) == ["report_feedback"]
    public = api.get(f"/api/v1/public/petitions/{created['tracking_code']}").get_json()
    assert public["can_evaluate"] is False

    missing = api.submit(pid, "report_feedback", "assessor", feedback_result="told")
    assert missing.status_code == 422 and "feedback_method" in missing.get_json()["errors"]
    rated = api.submit(pid, "report_feedback", "assessor", feedback_result="told", satisfaction="satisfied")
    assert rated.status_code == 422 and "satisfaction" in rated.get_json()["errors"]

    api.complete(
        pid,
        "report_feedback",
        "assessor",
        feedback_result="told",
        feedback_method="phone",
        follow_up_comment="已电话告知举报人处理结果，举报人表示知悉。",
    )
    detail = api.petition(pid)
    assert detail["status"] == "closed"
    assert detail["satisfaction"] is None
    assert detail["evaluation_comment"].startswith("已电话告知")


def test_an_anonymous_reporter_is_pointed_to_the_tracking_code(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(**REPORT, anonymous=True))["id"]
    served_by_discipline(api, pid, statutory_class="accusation")
    told = api.submit(pid, "report_feedback", "assessor", feedback_result="told", feedback_method="phone")
    assert told.status_code == 422
    assert "查询码" in told.get_json()["errors"]["feedback_result"]
    assert open_forms(api, pid) == ["report_feedback"]  # nothing changed
    api.complete(pid, "report_feedback", "assessor", feedback_result="by_code")
    assert api.petition(pid)["status"] == "closed"


def test_a_complaint_screened_as_an_accusation_is_fed_back_too(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(request_type="complaint", category="ethics"))["id"]
    served_by_discipline(api, pid, statutory_class="accusation")
    assert open_forms(api, pid) == ["report_feedback"]
