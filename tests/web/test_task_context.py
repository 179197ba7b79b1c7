"""A task page reads as its user needs: what is being decided above the form, deadlines by title."""

from __future__ import annotations

import re

from tests.conftest import Harness, add_user, petition_body, routed, signed_for
from tests.support import ApiClient
from tests.web.support import WebClient


def _context(web: WebClient, task_id: str) -> dict[str, str]:
    page = web.text(f"/work/tasks/{task_id}")
    block = re.search(r'<dl class="facts task-context".*?</dl>', page, re.S)
    assert block, "the task page shows no context"
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(0), re.S)
    return {title: value.strip() for title, value in pairs}


def test_the_leader_sees_the_extension_request_they_decide_on(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = _extension_asked(api, days=15)
    web.login("leader")
    shown = _context(web, api.task(pid, "approve_extension", "leader")["id"])
    assert shown["申请延期天数"] == "15" and shown["延期理由"] == "需审计承包合同"
    assert shown["承办部门"] == "后勤处"


def test_the_office_sees_the_co_handling_request_it_reviews(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = signed_for(api)
    api.post(
        f"/api/v1/petitions/{pid}/co-handling",
        {"departments": ["academic"], "reason": "涉及课表安排"},
        user="logistics_handler",
    )
    web.login("assessor")
    shown = _context(web, api.task(pid, "review_co_request", "assessor")["id"])
    assert shown == {"主办部门": "后勤处", "请求增加的协办部门": "教务处", "理由": "涉及课表安排"}


def test_a_return_review_shows_who_returned_it_and_why(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = routed(api)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="return", return_reason="属于教务处职责")
    web.login("assessor")
    shown = _context(web, api.task(pid, "review_return", "assessor")["id"])
    assert shown["退单部门"] == "后勤处" and shown["退单理由"] == "属于教务处职责"


def test_sign_off_shows_the_draft_and_a_revision_reaches_the_drafter(
    web: WebClient, harness: Harness
) -> None:
    api = harness.api
    pid = signed_for(api)
    api.complete(pid, "handle", "logistics_handler", findings="价格上涨属实")
    drafter_first = _context_as(
        web, "logistics_handler", api.task(pid, "draft_reply", "logistics_handler")["id"]
    )
    assert drafter_first == {"调查核实情况": "价格上涨属实"}  # no revision asked for yet
    api.complete(
        pid,
        "draft_reply",
        "logistics_handler",
        reply_outcome="support",
        reply_text="经核查属实，已责令承包商恢复原价。",
    )
    web.login("logistics_head")
    shown = _context(web, api.task(pid, "head_signoff", "logistics_head")["id"])
    assert shown["处理结论"] == "支持" and shown["答复意见"] == "经核查属实，已责令承包商恢复原价。"
    api.complete(pid, "head_signoff", "logistics_head", approval="revise", revision_note="请写明恢复日期")
    redo = _context_as(web, "logistics_handler", api.task(pid, "draft_reply", "logistics_handler")["id"])
    assert redo["签发人修改意见"] == "请写明恢复日期"


def _context_as(web: WebClient, user: str, task_id: str) -> dict[str, str]:
    web.login(user)
    return _context(web, task_id)


def test_deadlines_read_by_their_rule_titles_and_units(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = routed(api)
    web.login("logistics_handler")
    page = web.text(f"/work/tasks/{api.task(pid, 'sign_for', 'logistics_handler')['id']}")
    assert "依据：签收" in page and "依据 SIGN" not in page
    assert "签收（1工作日）" in page  # the deadlines table: a working-day rule says so
    assert "受理告知（直接收到的信访事项）（15日）" in page


def test_a_limit_met_by_one_step_names_that_step(web: WebClient, harness: Harness) -> None:
    pid = _extension_asked(harness.api, days=10)
    web.login("assessor")
    page = web.text(f"/work/petitions/{pid}")
    row = re.search(r'<td title="D5">.*?</tr>', page, re.S)
    assert row and "<td>调查办理</td>" in row.group(0) and "按期完成" in row.group(0)


def test_a_supervision_order_shows_why_and_preselects_no_ground_it_cannot_take(
    web: WebClient, harness: Harness
) -> None:
    api = harness.api
    pid = signed_for(api)
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "群众多次来电催办"}, user="supervisor")
    order = api.task(pid, "issue_order", "supervisor")
    start = api.get(f"/api/v1/tasks/{order['id']}", user="supervisor").get_json()["data"]
    assert "trigger" not in start  # the variable says "manual"; the form's 督办事由 is chosen here
    web.login("supervisor")
    shown = _context(web, order["id"])
    assert shown["发起督办的缘由"] == "群众多次来电催办" and shown["承办部门"] == "后勤处"
    assert "依据：下达督办单" in web.text(f"/work/tasks/{order['id']}")  # its own rule, not 作出受理决定
    api.complete(
        pid,
        "issue_order",
        "supervisor",
        level="general",
        trigger="delay",
        problem="超期未答复",
        requirements="五日内书面反馈",
        feedback_days=5,
    )
    shown = _context_as(web, "logistics_head", api.task(pid, "feedback", "logistics_head")["id"])
    assert shown == {"存在的问题": "超期未答复", "督办要求": "五日内书面反馈", "反馈期限（日）": "5"}


def _extension_asked(api: ApiClient, *, days: int) -> int:
    """A petition whose logistics handler, having handled it, asks for `days` more."""
    pid = signed_for(api)
    api.complete(
        pid,
        "handle",
        "logistics_handler",
        findings="需调取承包合同",
        extension_days=days,
        extension_reason="需审计承包合同",
    )
    return pid


def test_a_return_shows_its_reason_and_the_offices_answer_where_it_is_decided(
    web: WebClient, harness: Harness
) -> None:
    api = harness.api
    refused, approved = routed(api), routed(api)
    for pid in (refused, approved):
        api.complete(
            pid, "sign_for", "logistics_handler", sign_result="return", return_reason="属于教务处职责范围"
        )
    api.complete(
        refused, "review_return", "assessor", return_approved=False, review_note="食堂价格由后勤处负责"
    )
    api.complete(approved, "review_return", "assessor", return_approved=True, review_note="同意改派")
    signing = _context_as(web, "logistics_handler", api.task(refused, "sign_for", "logistics_handler")["id"])
    assert signing["信访办退单审核意见（不同意退单）"] == "食堂价格由后勤处负责"
    rerouting = _context_as(web, "assessor", api.task(approved, "routing", "assessor")["id"])
    assert (rerouting["退单部门"], rerouting["退单理由"]) == ("后勤处", "属于教务处职责范围")


def test_the_drafter_and_the_signer_see_every_co_department_opinion(web: WebClient, harness: Harness) -> None:
    api = harness.api
    add_user(harness, "security_handler", "handler", "security")
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=["academic", "security"])
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "co_handle", "academic_handler", co_opinion="教务处意见：课表调整属实")
    api.complete(pid, "co_handle", "security_handler", co_opinion="保卫处意见：无安全隐患")
    api.complete(pid, "handle", "logistics_handler", findings="主办部门已核实")
    drafter = _context_as(web, "logistics_handler", api.task(pid, "draft_reply", "logistics_handler")["id"])
    assert drafter["协办意见（教务处）"] == "教务处意见：课表调整属实"
    assert drafter["协办意见（保卫处）"] == "保卫处意见：无安全隐患"
    api.complete(
        pid,
        "draft_reply",
        "logistics_handler",
        reply_outcome="support",
        reply_text="经核查，已责令恢复原价。",
    )
    signer = _context_as(web, "logistics_head", api.task(pid, "head_signoff", "logistics_head")["id"])
    assert signer["协办意见（保卫处）"] == "保卫处意见：无安全隐患"


def test_without_co_departments_the_draft_shows_no_co_opinion(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = signed_for(api)
    api.complete(pid, "handle", "logistics_handler", findings="价格上涨属实")
    drafter = _context_as(web, "logistics_handler", api.task(pid, "draft_reply", "logistics_handler")["id"])
    assert not [title for title in drafter if title.startswith("协办意见")]
