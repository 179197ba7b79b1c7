"""联动 during handling: the lead department asks for more co-handlers; the office reviews it."""

from __future__ import annotations

from tests.conftest import Harness, draft_reply, petition_body, signed_for
from tests.support import ApiClient


def _ask(api: ApiClient, pid: int, departments: list[str], user: str = "logistics_handler") -> object:
    body = {"departments": departments, "reason": "涉及食堂承包合同，需财务处核对收费"}
    return api.post(f"/api/v1/petitions/{pid}/co-handling", body, user=user)


def test_an_approved_request_adds_a_co_handler_whose_opinion_the_reply_waits_for(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    pid = signed_for(api)
    asked = _ask(api, pid, ["academic"])
    assert asked.status_code == 201 and asked.get_json()["departments"] == ["academic"]
    assert _ask(api, pid, ["finance"]).status_code == 409  # one open request at a time
    api.complete(pid, "review_co_request", "assessor", co_request_approved=True, review_comment="同意")
    assert api.petition(pid)["co_departments"] == ["academic"]
    assert api.petition(pid, user="academic_handler")["id"] == pid  # now theirs to see
    api.complete(pid, "handle", "logistics_handler", findings="价格上涨属实")
    draft = {"reply_outcome": "support", "reply_text": "经核查，价格上涨属实，已责令整改。"}
    task = api.task(pid, "draft_reply", "logistics_handler")
    waiting = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": draft}, user="logistics_handler")
    assert waiting.status_code == 422 and "协办" in waiting.get_json()["errors"]["reply_text"]
    api.complete(pid, "co_handle_more", "academic_handler", co_opinion="教务处意见：涉及课表调整，已核实")
    api.complete(pid, "draft_reply", "logistics_handler", **draft)
    assert api.petition(pid)["status"] == "reply_review"


def test_a_rejected_request_changes_nothing(harness: Harness) -> None:
    api = harness.api
    pid = signed_for(api)
    assert _ask(api, pid, ["academic"]).status_code == 201
    api.complete(
        pid, "review_co_request", "assessor", co_request_approved=False, review_comment="本部门可自行核实"
    )
    assert api.petition(pid)["co_departments"] == []
    assert api.get(f"/api/v1/petitions/{pid}", user="academic_handler").status_code == 403
    assert api.get(f"/api/v1/tasks?petition_id={pid}", user="academic_handler").get_json()["items"] == []
    api.complete(pid, "handle", "logistics_handler", findings="已核实")
    draft_reply(api, pid)
    assert api.petition(pid)["status"] == "reply_review"  # nothing left to wait for


def test_only_the_lead_department_asks_while_handling_for_departments_not_yet_involved(
    harness: Harness,
) -> None:
    api = harness.api
    pid = signed_for(api)
    assert _ask(api, pid, ["finance"], user="academic_handler").status_code == 403
    assert _ask(api, pid, ["finance"], user="assessor").status_code == 403
    for departments, problem in (
        ([], "请选择"),
        (["logistics"], "主办部门"),
        (["nowhere"], "未知的部门"),
        (["finance"], "财务处尚无承办人账号"),  # nobody there could give the opinion
    ):
        refused = _ask(api, pid, departments)
        assert refused.status_code == 422 and problem in refused.get_json()["errors"]["departments"]
    fresh = api.register(petition_body())["id"]  # not yet handled by anyone
    api.complete(fresh, "screening", "assessor", decision="accept")
    api.complete(fresh, "routing", "assessor", department="logistics", co_departments=[])
    assert _ask(api, fresh, ["finance"]).status_code == 409
