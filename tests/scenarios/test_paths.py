"""Every other path of processes/petition.bpmn, through the HTTP API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import Harness, add_user, handled_and_served, petition_body, routed, serve_reply
from tests.support import ApiClient


def accept_and_route(api: ApiClient, pid: int, **routing: Any) -> None:
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", **({"department": "logistics", "co_departments": []} | routing))


def replied(api: ApiClient, pid: int) -> None:
    """The ordinary handling of a registered petition, up to the served reply."""
    accept_and_route(api, pid)
    handled_and_served(api, pid)


def test_not_accepted_closes_with_a_notice_stating_reason_and_route(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(request_type="appeal"))["id"]
    api.complete(
        pid,
        "screening",
        "assessor",
        decision="not_accept",
        reason="已进入劳动人事争议仲裁程序",
        route="劳动人事争议仲裁委员会",
    )
    detail = api.petition(pid)
    assert detail["status"] == "not_accepted"
    assert detail["closed_at"] is not None
    (notice,) = detail["documents"]
    assert notice["kind"] == "non_acceptance_notice"
    public = api.get(f"/api/v1/public/petitions/{detail['tracking_code']}").get_json()
    assert public["status_label"] == "不予受理"


def test_not_accepted_without_reason_is_refused_and_changes_nothing(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    task = api.task(pid, "screening", "assessor")
    response = api.post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": {"decision": "not_accept"}}, user="assessor"
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.get_json()["errors"]) == {"reason", "route"}
    assert api.petition(pid)["status"] == "screening"
    assert api.task(pid, "screening", "assessor")["id"] == task["id"]


def test_redirect_closes_with_a_redirect_notice(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    api.complete(
        pid,
        "screening",
        "assessor",
        decision="redirect",
        reason="属于学生纪律处分申诉",
        route="学生申诉处理委员会",
    )
    detail = api.petition(pid)
    assert detail["status"] == "redirected"
    assert [d["kind"] for d in detail["documents"]] == ["redirect_notice"]


def test_merge_links_to_the_open_petition_and_counts_a_repeat(any_harness: Harness) -> None:
    api = any_harness.api
    first = api.register(petition_body())
    second = api.register(petition_body(channel="phone"))
    api.complete(
        second["id"],
        "screening",
        "assessor",
        decision="merge",
        duplicate_of=f" {first['tracking_code'].lower()} ",  # as a clerk may type it
        reason="同一事项",
    )
    merged = api.petition(second["id"])
    assert merged["status"] == "merged"
    assert merged["duplicate_of"] == first["tracking_code"]
    assert api.petition(first["id"])["repeat_count"] == 1


def test_merge_into_an_unknown_or_closed_petition_is_refused(any_harness: Harness) -> None:
    api = any_harness.api
    closed = api.register(petition_body())
    api.complete(
        closed["id"], "screening", "assessor", decision="redirect", reason="校外事项", route="区信访局"
    )
    pid = api.register(petition_body())["id"]
    task = api.task(pid, "screening", "assessor")
    for code, expected in (("ZZZZ-ZZZZ-ZZZZ", "查询码不存在"), (closed["tracking_code"], "已办结")):
        data = {"decision": "merge", "duplicate_of": code}
        response = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user="assessor")
        assert response.status_code == 422
        assert expected in response.get_json()["errors"]["duplicate_of"]


def test_fast_track_answers_directly_then_follow_up_closes(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(request_type="consultation", title="补办学生证流程"))["id"]
    api.complete(pid, "screening", "assessor", decision="fast_track")
    assert api.petition(pid)["status"] == "fast_track"
    assert api.task(pid, "fast_answer", "assessor")["deadline_rule"] == "D14"
    api.complete(pid, "fast_answer", "assessor", reply_text="请携带身份证到学生服务中心办理。")
    detail = api.petition(pid)
    assert detail["status"] == "replied"
    assert detail["reply_text"].startswith("请携带")
    api.complete(pid, "follow_up", "assessor", satisfaction="satisfied")
    assert api.petition(pid)["status"] == "closed"


def test_dissatisfied_fast_track_is_converted_to_normal_handling(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(request_type="help"))["id"]
    api.complete(pid, "screening", "assessor", decision="fast_track")
    api.complete(pid, "fast_answer", "assessor", reply_text="请联系后勤报修电话。")
    api.complete(pid, "follow_up", "assessor", satisfaction="dissatisfied")
    assert api.petition(pid)["status"] == "accepted"  # no longer waiting for an evaluation
    routing = api.get(f"/api/v1/tasks/{api.task(pid, 'routing', 'assessor')['id']}", user="assessor")
    assert routing.get_json()["data"].get("department")  # the routing table's proposal, as normally
    documents = api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"]
    assert "acceptance_notice" in [d["kind"] for d in documents]  # told it is now handled formally
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    assert api.petition(pid)["status"] == "dispatched"
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="已上门维修")
    assert api.task(pid, "draft_reply", "logistics_handler")["deadline_rule"] == "D5"  # not a 重办
    serve_reply(api, pid)
    api.complete(pid, "follow_up", "assessor", satisfaction="dissatisfied")  # reopened once already
    assert api.petition(pid)["status"] == "closed"


def test_return_approved_goes_back_to_routing_for_another_department(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    accept_and_route(api, pid)
    api.complete(
        pid, "sign_for", "logistics_handler", sign_result="return", return_reason="属于教务处职责范围"
    )
    assert api.petition(pid)["status"] == "returned"
    api.complete(pid, "review_return", "assessor", return_approved=True)
    assert api.petition(pid)["status"] == "accepted"  # back at 分流派单, no longer 退单审核中
    routing = api.get(f"/api/v1/tasks/{api.task(pid, 'routing', 'assessor')['id']}", user="assessor")
    assert "department" not in routing.get_json()["data"]  # the proposal was the returning department
    api.complete(pid, "routing", "assessor", department="academic", co_departments=[])
    assert api.task(pid, "sign_for", "academic_handler")
    assert api.petition(pid)["department"] == "academic"
    # The logistics handler no longer sees the petition at all.
    assert api.get(f"/api/v1/petitions/{pid}", user="logistics_handler").status_code == 403


def test_routing_again_after_a_return_starts_from_the_proposal_not_the_returning_department(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    pid = routed(api, department="academic")  # a canteen complaint: the routing table proposes logistics
    api.complete(
        pid, "sign_for", "academic_handler", sign_result="return", return_reason="属于后勤处职责范围"
    )
    api.complete(pid, "review_return", "assessor", return_approved=True)
    routing = api.get(f"/api/v1/tasks/{api.task(pid, 'routing', 'assessor')['id']}", user="assessor")
    assert routing.get_json()["data"]["department"] == "logistics"


def test_routing_refuses_a_department_nobody_could_sign_for(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    lead = api.submit(pid, "routing", "assessor", department="finance", co_departments=[])
    assert lead.status_code == 422 and "财务处尚无承办人账号" in lead.get_json()["errors"]["department"]
    co = api.submit(pid, "routing", "assessor", department="logistics", co_departments=["finance"])
    assert co.status_code == 422 and "co_departments" in co.get_json()["errors"]
    assert api.petition(pid)["status"] == "accepted"  # nothing changed
    add_user(any_harness, "finance_handler", "handler", "finance")  # a handler, but nobody to 签发
    headless = api.submit(pid, "routing", "assessor", department="finance", co_departments=[])
    assert (
        headless.status_code == 422
        and "财务处尚无部门负责人账号" in headless.get_json()["errors"]["department"]
    )
    api.complete(
        pid, "routing", "assessor", department="logistics", co_departments=["finance"]
    )  # co: no 签发


def test_return_rejected_goes_back_to_the_same_department(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    accept_and_route(api, pid)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="return", return_reason="不属于本部门职责")
    api.complete(pid, "review_return", "assessor", return_approved=False, review_note="食堂价格由后勤处负责")
    again = api.submit(
        pid, "sign_for", "logistics_handler", sign_result="return", return_reason="仍认为不属于本部门"
    )
    assert again.status_code == 422 and "不同意退单" in again.get_json()["errors"]["sign_result"]
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")  # 首接负责
    assert api.task(pid, "handle", "logistics_handler")


def test_a_department_routed_anew_after_an_approved_return_may_return_in_its_turn(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    pid = routed(api, department="academic")
    api.complete(
        pid, "sign_for", "academic_handler", sign_result="return", return_reason="属于后勤处职责范围"
    )
    api.complete(pid, "review_return", "assessor", return_approved=False, review_note="请教务处先行核实")
    api.complete(pid, "sign_for", "academic_handler", sign_result="sign")
    other = routed(api, department="academic")  # another petition: its own returns are its own
    api.complete(
        other, "sign_for", "academic_handler", sign_result="return", return_reason="属于后勤处职责范围"
    )
    api.complete(other, "review_return", "assessor", return_approved=True)
    api.complete(other, "routing", "assessor", department="logistics", co_departments=[])
    api.complete(
        other, "sign_for", "logistics_handler", sign_result="return", return_reason="属于教务处职责范围"
    )
    assert api.petition(other)["status"] == "returned"


def test_a_return_comes_within_two_working_days_of_the_dispatch(any_harness: Harness) -> None:
    api = any_harness.api
    pid = routed(api)  # dispatched on a Monday: returns are taken until the end of Wednesday
    any_harness.clock.advance(timedelta(days=3))
    late = api.submit(
        pid, "sign_for", "logistics_handler", sign_result="return", return_reason="属于教务处职责范围"
    )
    assert late.status_code == 422
    assert "已超过退单时限" in late.get_json()["errors"]["sign_result"]
    assert api.petition(pid)["status"] == "dispatched"  # nothing changed: the task is still open
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    assert api.task(pid, "handle", "logistics_handler")


def extension_requested(api: ApiClient, days: int) -> tuple[int, str]:
    """A signed petition whose handler asks for `days` more; returns it and its original due date."""
    pid: int = api.register(petition_body())["id"]
    accept_and_route(api, pid)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    original_due: str = api.task(pid, "handle", "logistics_handler")["due_at"]
    api.complete(
        pid,
        "handle",
        "logistics_handler",
        findings="需要更多时间",
        extension_days=days,
        extension_reason="需调取承包合同并审计",
    )
    assert api.petition(pid)["status"] == "extension_requested"
    return pid, original_due


def test_approved_extension_adds_days_to_the_handling_limit_once(any_harness: Harness) -> None:
    api = any_harness.api
    pid, original_due = extension_requested(api, 20)
    api.complete(pid, "approve_extension", "leader", extension_approved=True)
    detail = api.petition(pid)
    assert detail["extension_days"] == 20
    assert "extension_notice" in [d["kind"] for d in detail["documents"]]
    task = api.task(pid, "handle_continue", "logistics_handler")
    assert task["deadline_rule"] == "D6"
    assert task["due_at"] > original_due
    # The continuing form has no extension field: a second extension cannot be asked for.
    response = api.post(
        f"/api/v1/tasks/{task['id']}/complete",
        {"data": {"findings": "继续", "extension_days": 10}},
        user="logistics_handler",
    )
    assert response.status_code == 422
    assert "此表单没有这一项" in response.get_json()["errors"]["extension_days"]  # by the field's own name


def test_rejected_extension_keeps_the_original_limit(any_harness: Harness) -> None:
    api = any_harness.api
    pid, original_due = extension_requested(api, 10)
    api.complete(pid, "approve_extension", "leader", extension_approved=False, approval_comment="请按期办结")
    task = api.task(pid, "handle_continue", "logistics_handler")
    assert (task["deadline_rule"], task["due_at"]) == ("D5", original_due)
    assert api.petition(pid)["extension_days"] == 0
    continuing = api.get(f"/api/v1/tasks/{task['id']}", user="logistics_handler").get_json()["data"]
    assert continuing["findings"] == "需要更多时间"  # the handler goes on from what they found


def test_co_departments_handle_in_parallel_and_the_reply_waits_for_them(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    accept_and_route(api, pid, co_departments=["academic"])
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    assert api.petition(pid, user="academic_handler")["co_departments"] == ["academic"]
    api.complete(pid, "handle", "logistics_handler", findings="主办部门已核实")
    tasks = api.get(f"/api/v1/tasks?petition_id={pid}", user="logistics_handler").get_json()["items"]
    assert [t["name"] for t in tasks] == []  # draft_reply waits for the co-department
    api.complete(pid, "co_handle", "academic_handler", co_opinion="教务处意见：课表调整属实")
    assert api.task(pid, "draft_reply", "logistics_handler")


def test_revision_and_a_dissatisfied_follow_up_reopen_once(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    accept_and_route(api, pid)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="已核实")
    api.complete(
        pid,
        "draft_reply",
        "logistics_handler",
        reply_outcome="support",
        reply_text="第一稿：经核实，价格调整已报备。",
    )
    api.complete(pid, "head_signoff", "logistics_head", approval="revise", revision_note="请逐项答复")
    serve_reply(api, pid)
    api.complete(pid, "follow_up", "assessor", satisfaction="dissatisfied")
    assert api.petition(pid)["status"] == "reopened"
    assert api.task(pid, "rehandle", "logistics_handler")["deadline_rule"] == "REDO"
    api.complete(pid, "rehandle", "logistics_handler", findings="重新核查")
    serve_reply(api, pid)
    api.complete(pid, "follow_up", "assessor", satisfaction="dissatisfied")  # second time: no more reopening
    detail = api.petition(pid)
    assert (detail["status"], detail["satisfaction"]) == ("closed", "dissatisfied")


def test_a_transferred_item_is_screened_on_the_transfer_clock(any_harness: Harness) -> None:
    api = any_harness.api
    direct = api.register(petition_body())["id"]
    transferred = api.register(petition_body(channel="transfer", title="上级转送：食堂价格"))["id"]
    assert api.task(direct, "screening", "assessor")["deadline_rule"] == "D2"
    assert api.task(transferred, "screening", "assessor")["deadline_rule"] == "D3"


def test_the_last_follow_up_answer_counts_for_the_resolution_rate(any_harness: Harness) -> None:
    from service.governance.models import PetitionProfile

    api = any_harness.api
    pid = api.register(petition_body())["id"]
    replied(api, pid)

    def kept_answer() -> bool | None:
        with any_harness.db.session() as session:
            profile = session.get(PetitionProfile, pid)
            assert profile is not None
            return profile.resolved

    api.complete(pid, "follow_up", "assessor", satisfaction="dissatisfied", resolved=False)
    assert kept_answer() is False
    api.complete(pid, "rehandle", "logistics_handler", findings="重新核查")
    serve_reply(api, pid)
    api.complete(pid, "follow_up", "assessor", satisfaction="satisfied")  # 已解决 not asked this time
    assert kept_answer() is None


def _objection(api: ApiClient, pid: int, **extra: Any) -> Any:
    data = {"decision": "redirect", "reason": "属于区属学校管理事项", "route": "某区教育局"} | extra
    return api.submit(pid, "screening", "assessor", **data)


def test_an_out_of_scope_transfer_is_objected_to_and_returned_when_the_sender_agrees(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    pid = api.register(petition_body(channel="transfer", title="上级转送：校外培训机构收费"))["id"]
    assert _objection(api, pid, transfer_sender="某区信访局").status_code == 200
    assert api.petition(pid)["status"] == "objection"
    documents = api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"]
    objection = next(d for d in documents if d["kind"] == "transfer_objection")
    assert objection["title"] == "异议函" and objection["number"].startswith("异议")
    assert "redirect_notice" not in [d["kind"] for d in documents]  # the petitioner is not told yet
    api.complete(pid, "sender_reply", "assessor", sender_agreed=True, sender_reply_note="同意退回")
    detail = api.petition(pid)
    assert detail["status"] == "redirected" and detail["current_tasks"] == []


def test_a_sender_who_disagrees_sends_the_transfer_back_to_screening(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(channel="transfer"))["id"]
    assert _objection(api, pid, transfer_sender="某区信访局").status_code == 200
    api.complete(pid, "sender_reply", "assessor", sender_agreed=False, sender_reply_note="属学校管理范围")
    assert api.petition(pid)["status"] == "screening"
    api.complete(pid, "screening", "assessor", decision="accept")
    assert api.petition(pid)["status"] == "accepted"


def test_an_objection_needs_the_sender_and_must_come_within_five_working_days(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body(channel="transfer"))["id"]
    missing = _objection(api, pid)
    assert missing.status_code == 422 and "transfer_sender" in missing.get_json()["errors"]
    any_harness.clock.advance(timedelta(days=8))  # past 5 working days, whatever the weekday
    late = _objection(api, pid, transfer_sender="某区信访局")
    assert late.status_code == 422 and "5个工作日" in late.get_json()["errors"]["decision"]
    assert api.petition(pid)["status"] == "screening"  # nothing changed
    direct = api.register(petition_body())["id"]  # a direct item is redirected at any time
    assert _objection(api, direct).status_code == 200
    assert api.petition(direct)["status"] == "redirected"


def test_a_major_reply_goes_to_the_school_leader_before_it_is_served(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    accept_and_route(api, pid)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="涉及全校食堂定价机制")
    draft = {"reply_outcome": "support", "reply_text": "经核查，将统一调整全校食堂定价机制。"}
    api.complete(pid, "draft_reply", "logistics_handler", **draft)
    api.complete(pid, "head_signoff", "logistics_head", approval="approve", major_reply=True)
    assert api.petition(pid)["status"] == "leader_review"
    task = api.task(pid, "approve_major_reply", "leader")
    assert task["candidate_group"] == "leader" and task["due_at"]
    no_reason = {"leader_approval": "revise"}
    refused = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": no_reason}, user="leader")
    assert refused.status_code == 422 and "leader_opinion" in refused.get_json()["errors"]
    api.complete(
        pid, "approve_major_reply", "leader", leader_approval="revise", leader_opinion="请写明调整时间表"
    )
    api.complete(pid, "draft_reply", "logistics_handler", **draft)
    api.complete(pid, "head_signoff", "logistics_head", approval="approve", major_reply=True)
    api.complete(pid, "approve_major_reply", "leader", leader_approval="approve")
    assert api.petition(pid)["status"] == "reply_approved"
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="in_person")
    api.complete(pid, "follow_up", "assessor", satisfaction="satisfied")
    assert api.petition(pid)["status"] == "closed"


def test_an_ordinary_reply_is_served_on_the_heads_sign_off(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    replied(api, pid)
    assert api.petition(pid)["status"] == "replied"
    assert api.get("/api/v1/tasks", user="leader").get_json()["items"] == []


def test_a_mediated_reply_is_served_with_its_agreement(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    accept_and_route(api, pid)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="价格上涨属实，承包方同意调解")
    mediated = {
        "reply_outcome": "support",
        "reply_text": "经调解，承包方同意恢复原价并退还差价。",
        "mediated": True,
        "agreement_kind": "mediation",
        "agreement_parties": "张三；二食堂承包方",
        "agreement_terms": "承包方于十日内恢复原价，并退还近两周多收的差价。",
        "agreement_performance": "十日内在食堂公示并退款",
    }
    task = api.task(pid, "draft_reply", "logistics_handler")
    refused = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": mediated}, user="logistics_handler")
    assert refused.status_code == 422 and "parties_consented" in refused.get_json()["errors"]
    not_agreed = mediated | {"parties_consented": False}
    refused = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": not_agreed}, user="logistics_handler")
    assert refused.status_code == 422 and "自愿同意" in refused.get_json()["errors"]["parties_consented"]
    api.complete(pid, "draft_reply", "logistics_handler", **mediated, parties_consented=True)
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="in_person")
    with any_harness.db.session() as session:
        from sqlalchemy import select

        from service.petitions.models import PetitionDocument

        issued = dict(
            session.execute(
                select(PetitionDocument.kind, PetitionDocument.body).where(
                    PetitionDocument.petition_id == pid
                )
            ).all()
        )
    assert "reply_opinion" in issued and "settlement_agreement" not in issued
    assert "承包方于十日内恢复原价" in issued["mediation_agreement"]
    assert "张三；二食堂承包方" in issued["mediation_agreement"]


def test_an_ordinary_reply_carries_no_agreement(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    replied(api, pid)
    kinds = [
        d["kind"] for d in api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"]
    ]
    assert "reply_opinion" in kinds and not {"mediation_agreement", "settlement_agreement"} & set(kinds)


def _assigned(api: ApiClient, days: int = 30) -> int:
    body = petition_body(channel="transfer", assigned_by="省教育厅信访办", report_days=days)
    pid: int = api.register(body)["id"]
    return pid


def test_an_assigned_item_is_reported_to_the_assigning_body_when_handled(any_harness: Harness) -> None:
    api = any_harness.api
    pid = _assigned(api)
    d12 = [d for d in api.petition(pid)["deadlines"] if d["rule"] == "D12"]
    assert len(d12) == 1 and d12[0]["status"] == "active" and d12[0]["count"] == 30
    replied(api, pid)
    api.complete(pid, "follow_up", "assessor", satisfaction="satisfied")
    assert api.petition(pid)["status"] == "closed"
    assert [d["status"] for d in api.petition(pid)["deadlines"] if d["rule"] == "D12"] == ["met"]
    with any_harness.db.session() as session:
        from sqlalchemy import select

        from service.petitions.models import PetitionDocument

        report = session.scalar(
            select(PetitionDocument).where(
                PetitionDocument.petition_id == pid, PetitionDocument.kind == "completion_report"
            )
        )
        assert report is not None and not report.for_petitioner
        assert report.body.startswith("##关于") and "省教育厅信访办：" in report.body
        assert "价格已恢复" in report.body and "回访评价：满意" in report.body


def test_an_assigned_item_is_handled_by_the_date_its_assigning_body_set(any_harness: Harness) -> None:
    api = any_harness.api
    pid = _assigned(api, days=10)  # the assigning body's date comes before the 60 days of D5
    accept_and_route(api, pid)
    report = next(d for d in api.petition(pid)["deadlines"] if d["rule"] == "D12")
    dispatch = next(
        d
        for d in api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"]
        if d["kind"] == "dispatch_form"
    )
    with any_harness.db.session() as session:
        from service.petitions.models import PetitionDocument

        body = session.get(PetitionDocument, dispatch["id"]).body
    assert "省教育厅信访办要求于" in body and "前报告办理结果" in body
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    handling = api.task(pid, "handle", "logistics_handler")
    assert (handling["deadline_rule"], handling["due_at"]) == ("D12", report["due_at"])
    ordinary = api.register(petition_body())["id"]
    accept_and_route(api, ordinary)
    api.complete(ordinary, "sign_for", "logistics_handler", sign_result="sign")
    assert api.task(ordinary, "handle", "logistics_handler")["deadline_rule"] == "D5"


def test_a_late_report_and_an_item_returned_to_its_sender(any_harness: Harness) -> None:
    api = any_harness.api
    late = _assigned(api, days=5)
    returned = _assigned(api)
    accept_and_route(api, late)
    any_harness.clock.advance(timedelta(days=10))
    api.complete(late, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(late, "handle", "logistics_handler", findings="已核实")
    serve_reply(api, late)
    api.complete(late, "follow_up", "assessor", satisfaction="satisfied")
    assert [d["status"] for d in api.petition(late)["deadlines"] if d["rule"] == "D12"] == ["late"]
    any_harness.clock.advance(timedelta(days=-10))
    assert _objection(api, returned, transfer_sender="省教育厅信访办").status_code == 200
    api.complete(returned, "sender_reply", "assessor", sender_agreed=True)
    assert [d["status"] for d in api.petition(returned)["deadlines"] if d["rule"] == "D12"] == ["closed"]


def test_only_a_transferred_item_names_an_assigning_body_and_its_days(any_harness: Harness) -> None:
    api = any_harness.api
    for body, field in (
        (petition_body(assigned_by="省教育厅", report_days=30), "assigned_by"),
        (petition_body(channel="transfer", assigned_by="省教育厅"), "report_days"),
        (petition_body(channel="transfer", assigned_by="省教育厅", report_days=91), "report_days"),
        (petition_body(channel="transfer", report_days=30), "assigned_by"),
    ):
        refused = api.post("/api/v1/petitions", body, user="registrar")
        assert refused.status_code == 422 and field in refused.get_json()["errors"]
