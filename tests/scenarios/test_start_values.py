"""A task's form starts with what the person should continue from (a draft, the findings, the
registrar's classification), never with an earlier round's decision or remark: one click on 提交
must not repeat a past 不满意, 退单 or 签发."""

from __future__ import annotations

from typing import Any

from tests.conftest import Harness, petition_body, serve_reply
from tests.scenarios.test_paths import accept_and_route
from tests.support import ApiClient


def start_values(api: ApiClient, pid: int, name: str, user: str) -> dict[str, Any]:
    task = api.task(pid, name, user)
    data: dict[str, Any] = api.get(f"/api/v1/tasks/{task['id']}", user=user).get_json()["data"]
    return data


def test_a_second_round_starts_without_the_first_rounds_decisions(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    accept_and_route(api, pid)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="return", return_reason="不属于本部门职责")
    api.complete(pid, "review_return", "assessor", return_approved=False, review_note="由后勤处负责")
    assert start_values(api, pid, "sign_for", "logistics_handler") == {}
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="已核实窗口价格")
    api.complete(
        pid, "draft_reply", "logistics_handler", reply_outcome="support", reply_text="第一稿：价格已恢复。"
    )
    api.complete(pid, "head_signoff", "logistics_head", approval="revise", revision_note="请逐项答复")
    draft = start_values(api, pid, "draft_reply", "logistics_handler")
    assert (draft["reply_outcome"], draft["reply_text"]) == ("support", "第一稿：价格已恢复。")  # revised
    serve_reply(api, pid)
    unsolved = {"satisfaction": "dissatisfied", "resolved": False, "follow_up_comment": "仍未恢复"}
    api.complete(pid, "follow_up", "assessor", **unsolved)
    assert start_values(api, pid, "rehandle", "logistics_handler")["findings"] == "已核实窗口价格"
    api.complete(pid, "rehandle", "logistics_handler", findings="重新核查，已恢复原价")
    api.complete(
        pid, "draft_reply", "logistics_handler", reply_outcome="support", reply_text="第二稿：已恢复原价。"
    )
    assert start_values(api, pid, "head_signoff", "logistics_head") == {}  # not the last 退回修改
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="in_person")
    assert start_values(api, pid, "follow_up", "assessor") == {}


def test_a_leader_decides_an_extension_from_an_empty_choice(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(urgency="urgent"))["id"]
    assert start_values(api, pid, "screening", "assessor")["urgency"] == "urgent"  # as registered
    accept_and_route(api, pid)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    asked = {"findings": "需调取监控", "extension_days": 10, "extension_reason": "需要调查取证"}
    api.complete(pid, "handle", "logistics_handler", **asked)
    assert "extension_approved" not in start_values(api, pid, "approve_extension", "leader")
