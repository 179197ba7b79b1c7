"""检举控告类 items are not rated: after the reply the office feeds the result back to the reporter
(report_feedback) instead of the satisfaction follow-up, and they close without a satisfaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from service.petitions.models import PetitionDocument
from tests.conftest import Harness, handled_and_served, petition_body
from tests.support import ApiClient
from tests.web.support import WebClient

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


def acceptance_notice(harness: Harness, pid: int) -> str:
    with harness.db.session() as session:
        body: str = session.scalars(
            select(PetitionDocument.body).where(
                PetitionDocument.petition_id == pid, PetitionDocument.kind == "acceptance_notice"
            )
        ).one()
    return body


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
    assert api.petition(pid)["status"] == "feedback_pending"
    assert "评价" not in acceptance_notice(any_harness, pid)


def test_a_report_awaits_feedback_not_rating_in_every_word_it_is_shown(harness: Harness) -> None:
    """A reporter is never asked to rate: the status after the reply is 已答复待反馈 (API, pages, the
    portal and its timeline), the 反馈处理结果 step is timed by its own rule, the 受理告知书 promises
    no evaluation, and the 复查 window is open as for any served reply."""
    api = harness.api
    created = api.register(petition_body(**REPORT))
    pid, code = created["id"], created["tracking_code"]
    served_by_discipline(api, pid, statutory_class="accusation")
    detail = api.petition(pid)
    assert (detail["status"], detail["status_label"]) == ("feedback_pending", "已答复待反馈")
    listed = api.get("/api/v1/petitions?status=feedback_pending", user="assessor").get_json()["items"]
    assert [p["id"] for p in listed] == [pid]
    public = api.get(f"/api/v1/public/petitions/{code}").get_json()
    assert public["status_label"] == "已答复待反馈" and public["review"]["open"] is True
    assert any(entry["event"] == "已答复待反馈" for entry in public["timeline"])
    assert "评价" not in json.dumps(public, ensure_ascii=False)

    task = api.task(pid, "report_feedback", "assessor")
    assert task["deadline_rule"] == "REPORT_FEEDBACK"
    web = WebClient(api.client)
    web.login("assessor")
    page = web.text(f"/work/tasks/{task['id']}")
    assert "依据：反馈处理结果（检举控告类）" in page and "回访评价" not in page
    assert "已答复待反馈" in web.text(f"/work/petitions/{pid}")
    web.post("/logout")
    web.get("/portal/track")
    assert web.post("/portal/track", {"code": code}).status_code == 302
    portal = web.text("/portal/status")
    assert "已答复待反馈" in portal and "待评价" not in portal

    notice = acceptance_notice(harness, pid)
    assert "查询办理进度和处理结果" in notice and "评价" not in notice


def test_a_rated_item_still_awaits_rating_and_its_notice_says_so(harness: Harness) -> None:
    api = harness.api
    created = api.register(petition_body())
    pid = created["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    handled_and_served(api, pid)
    assert api.petition(pid)["status_label"] == "已答复待评价"
    assert api.task(pid, "follow_up", "assessor")["deadline_rule"] == "FOLLOW_UP"
    assert "查询办理进度、评价办理结果" in acceptance_notice(harness, pid)
