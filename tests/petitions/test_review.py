"""复查/复核: statutory windows, the hearing pause, final after 复核 (not accepted again)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Harness, handled_and_served, petition_body
from tests.support import ApiClient


def replied(api: ApiClient) -> dict[str, object]:
    created = api.register(petition_body())
    pid = created["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    handled_and_served(
        api, pid, outcome="not_support", text="经核查，价格调整符合规定。", delivery="electronic"
    )
    return created


def test_review_then_recheck_with_a_hearing_then_final(harness: Harness) -> None:
    api = harness.api
    created = replied(api)
    pid, code = created["id"], created["tracking_code"]
    status = api.get(f"/api/v1/public/petitions/{code}").get_json()
    assert status["review"] == {
        "level": "review",
        "level_label": "复查",
        "open": True,
        "reason": "",
        "until": "2026-04-01T23:59:59+08:00",
    }  # reply 03-02 + 30 days

    harness.clock.advance(timedelta(days=10))
    asked = api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "不服答复，请求复查"})
    assert asked.status_code == 201 and asked.get_json()["review"]["open"] is False
    recording = api.get(f"/api/v1/tasks/{api.task(pid, 'record_request', 'assessor')['id']}", user="assessor")
    assert recording.get_json()["data"]["request_summary"] == "不服答复，请求复查"  # as the petitioner wrote
    api.complete(  # a hearing pauses only the 复核 clock (D10); the 复查 clock runs on
        pid,
        "record_request",
        "assessor",
        review_body="省教育厅",
        request_summary="请求复查价格问题",
        hearing=True,
    )
    outcome_task = api.task(pid, "record_outcome", "assessor")
    assert (outcome_task["deadline_rule"], outcome_task["due_at"]) == ("D8", "2026-04-13T23:59:59+08:00")
    api.complete(pid, "record_outcome", "assessor", review_decision="upheld", review_opinion="维持原答复意见")

    reviews = api.get(f"/api/v1/petitions/{pid}/reviews", user="assessor").get_json()
    assert [r["level"] for r in reviews["items"]] == ["review"] and reviews["items"][0][
        "decision"
    ] == "upheld"
    assert reviews["window"]["level"] == "recheck" and reviews["window"]["open"] is True

    harness.clock.advance(timedelta(days=5))
    office = api.post(f"/api/v1/petitions/{pid}/reviews", {"reason": "请求复核"}, user="registrar")
    assert office.status_code == 201
    api.complete(
        pid, "record_request", "assessor", review_body="教育部", request_summary="请求复核", hearing=True
    )
    api.complete(pid, "record_hearing", "assessor", hearing_days=10)
    recheck_task = api.task(pid, "record_outcome", "assessor")
    assert recheck_task["deadline_rule"] == "D10"
    # 03-17 + 30 days + 10 hearing days = 04-26, a Sunday, so the period ends on Monday 04-27
    assert recheck_task["due_at"] == "2026-04-27T23:59:59+08:00"
    api.complete(pid, "record_outcome", "assessor", review_decision="upheld", review_opinion="复核维持")
    final = api.get(f"/api/v1/petitions/{pid}/reviews", user="assessor").get_json()
    assert final["items"][-1]["final"] is True and final["window"]["open"] is False
    assert api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "再次"}).status_code == 409

    # D11: the same matter again is not accepted; screening says so.
    again = api.register(petition_body(title="再次反映食堂价格"))["id"]
    task = api.task(again, "screening", "assessor")
    accept = api.post(
        f"/api/v1/tasks/{task['id']}/complete",
        {"data": {"decision": "accept", "duplicate_of": code}},
        user="assessor",
    )
    assert accept.status_code == 422 and "不再受理" in accept.get_json()["errors"]["decision"]
    refuse = api.post(
        f"/api/v1/tasks/{task['id']}/complete",
        {
            "data": {
                "decision": "not_accept",
                "duplicate_of": code,
                "reason": "已复核终结",
                "route": "不再受理",
            }
        },
        user="assessor",
    )
    assert refuse.status_code == 200


def test_review_requests_outside_the_window_are_refused(harness: Harness) -> None:
    api = harness.api
    fresh = api.register(petition_body())
    early = api.post(f"/api/v1/public/petitions/{fresh['tracking_code']}/review", {"reason": "请求复查"})
    assert early.status_code == 409 and "尚未出具" in early.get_json()["detail"]
    created = replied(api)
    harness.clock.advance(timedelta(days=31))
    late = api.post(f"/api/v1/public/petitions/{created['tracking_code']}/review", {"reason": "请求复查"})
    assert late.status_code == 409 and "超过" in late.get_json()["detail"]
    assert (
        api.post(
            f"/api/v1/petitions/{created['id']}/reviews", {"reason": "x" * 5}, user="logistics_handler"
        ).status_code
        == 403
    )


def test_no_review_while_a_dissatisfied_petition_is_handled_again(harness: Harness) -> None:
    api = harness.api
    created = replied(api)
    pid, code = created["id"], created["tracking_code"]
    api.complete(pid, "follow_up", "assessor", satisfaction="dissatisfied")  # 重办
    status = api.get(f"/api/v1/public/petitions/{code}").get_json()["review"]
    assert status["open"] is False and "重新办理" in status["reason"]
    asked = api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "不服答复，请求复查"})
    assert asked.status_code == 409
    api.complete(pid, "rehandle", "logistics_handler", findings="重新核查")
    handled_again = {"reply_outcome": "not_support", "reply_text": "经再次核查，维持原答复。"}
    api.complete(pid, "draft_reply", "logistics_handler", **handled_again)
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="electronic")
    assert api.get(f"/api/v1/public/petitions/{code}").get_json()["review"]["open"] is True  # the new reply
