"""What each notice says (DOMAIN.md §7), rendered from petitions driven through the HTTP API.

Dates a notice states must be the ones the engine enforces: the due date of the `deadline` row the
engine stored (a period ending on a rest day ends on the next working day), never raw days added.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from service.clock import LOCAL_TZ, to_local
from service.documents import templates
from service.engine.models import DeadlineRecord, ProcessInstance
from service.petitions import documents
from service.petitions.models import Petition, PetitionDocument
from service.petitions.projection import business_key
from tests.conftest import Harness, petition_body
from tests.support import ApiClient

DATE = "%Y年%m月%d日"


def notice(harness: Harness, pid: int, kind: str) -> str:
    """The body of the latest notice of `kind` issued for petition `pid`."""
    with harness.db.session() as session:
        body = session.scalar(
            select(PetitionDocument.body)
            .where(PetitionDocument.petition_id == pid, PetitionDocument.kind == kind)
            .order_by(PetitionDocument.id.desc())
            .limit(1)
        )
    assert body is not None, f"no {kind} for petition {pid}"
    return body


def stored_due(harness: Harness, pid: int, *, rule: str | None = None, element: str | None = None) -> str:
    """The due date (notice style) of the latest deadline row the engine stored for the petition."""
    with harness.db.session() as session:
        instances = select(ProcessInstance.id).where(ProcessInstance.business_key == business_key(pid))
        statement = select(DeadlineRecord.due_at).where(DeadlineRecord.instance_id.in_(instances))
        if rule:
            statement = statement.where(DeadlineRecord.rule == rule)
        if element:
            statement = statement.where(DeadlineRecord.element_id == element)
        due = session.scalar(statement.order_by(DeadlineRecord.id.desc()).limit(1))
    assert due is not None, (pid, rule, element)
    return to_local(due).strftime(DATE)


def local_date(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(LOCAL_TZ).strftime(DATE)


def signed(api: ApiClient, department: str = "logistics", **overrides: Any) -> int:
    pid: int = api.register(petition_body(**overrides))["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department=department, co_departments=[], instructions="请核查")
    api.complete(pid, "sign_for", f"{department}_handler", sign_result="sign")
    return pid


def replied(
    api: ApiClient, pid: int, *, delivery_method: str = "mail", department: str = "logistics"
) -> None:
    handler, head = f"{department}_handler", f"{department}_head"
    api.complete(pid, "handle", handler, findings="二食堂三个窗口价格上涨约两成")
    api.complete(
        pid,
        "draft_reply",
        handler,
        reply_outcome="support",
        reply_text="已责令承包商自即日起恢复原价。",
        reply_basis="《学校食堂管理办法》第十条",
    )
    api.complete(pid, "head_signoff", head, approval="approve")
    api.complete(pid, "serve_reply", handler, delivery_method=delivery_method)


# -- 1. 延期告知书 -----------------------------------------------------------------------------------


def test_extension_notice_states_the_reason_the_approver_and_the_engines_new_due_date(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    pid = signed(api)
    api.complete(
        pid,
        "handle",
        "logistics_handler",
        findings="需要更多时间",
        extension_days=25,
        extension_reason="需调取承包合同并委托审计。",
    )
    api.complete(pid, "approve_extension", "leader", extension_approved=True)
    body = notice(any_harness, pid, "extension_notice")
    # D5 from 03-02 ends on 05-01, inside the May Day holiday, so on 05-06; + 25 days is Sunday
    # 05-31, so the extended limit ends on Monday 06-01. Raw addition would print 05-31.
    new_due = stored_due(any_harness, pid, rule="D6")
    assert new_due == "2026年06月01日"
    assert new_due == local_date(api.task(pid, "handle_continue", "logistics_handler")["due_at"])
    assert f"原办理期限：{stored_due(any_harness, pid, rule='D5')}；延长后办理期限：{new_due}。" in body
    assert "2026年05月31日" not in body
    assert "延期理由：需调取承包合同并委托审计。" in body and "因情况复杂" not in body
    assert "经王建国批准" in body and "办理期限延长25日" in body


def test_extension_notice_without_a_stored_deadline_uses_the_business_calendar(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")  # no D5 or D6 row exists yet
    with harness.db.transaction() as session:
        petition = session.get(Petition, pid)
        assert petition is not None
        document = documents.issue(
            session,
            petition,
            "extension_notice",
            variables={"extended_by": 25, "accepted_at": harness.clock.now().isoformat()},
            sources=notice_sources(harness),
            now=harness.clock.now(),
        )
        assert document is not None
        assert "原办理期限：2026年05月06日；延长后办理期限：2026年06月01日。" in document.body
        assert "因情况复杂，经学校负责人批准" in document.body  # no reason, no approval recorded
        assert (document.fields["original_due"], document.fields["new_due"]) == (
            "2026年05月06日",
            "2026年06月01日",
        )


# -- 2. 督办单 ---------------------------------------------------------------------------------------


def test_supervision_order_states_the_D13_date_the_timer_uses(any_harness: Harness) -> None:
    api = any_harness.api
    pid = signed(api)
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "群众多次来电催办"}, user="supervisor")
    api.complete(
        pid,
        "issue_order",
        "supervisor",
        trigger="delay",
        problem="办理进度缓慢",
        requirements="限期反馈整改情况",
        feedback_days=5,
    )
    body = notice(any_harness, pid, "supervision_order")
    # 03-02 + 5 days is Saturday 03-07: the D13 clock ends on Monday 03-09.
    due = stored_due(any_harness, pid, rule="D13")
    assert due == "2026年03月09日"
    assert due == local_date(api.task(pid, "feedback", "logistics_head")["due_at"])
    assert f"请于{due}前书面反馈" in body and "2026年03月07日" not in body


# -- 3. 答复意见书 -----------------------------------------------------------------------------------


def test_reply_opinion_states_acceptance_findings_basis_delivery_and_the_review_route(
    harness: Harness,
) -> None:
    api = harness.api
    pid = signed(api)
    harness.clock.advance(timedelta(days=3))
    replied(api, pid, delivery_method="mail")
    body = notice(harness, pid, "reply_opinion")
    assert "本校已于2026年03月02日依法受理，并交由后勤处调查核实" in body
    assert "查明事实：二食堂三个窗口价格上涨约两成" in body
    assert "答复依据：《学校食堂管理办法》第十条" in body
    assert "处理结论：支持。" in body
    assert "送达方式：邮寄送达。" in body
    assert "自收到本意见书之日起三十日内" in body and "请求复查（《信访工作条例》第三十五条）" in body
    assert "凭查询码通过学校信访网上平台" in body


def test_reply_opinion_names_the_review_body_the_data_records(harness: Harness) -> None:
    api = harness.api
    pid = signed(api)
    replied(api, pid)
    code = api.petition(pid)["tracking_code"]
    api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "不服答复，请求复查"})
    api.complete(pid, "record_request", "assessor", review_body="省教育厅", request_summary="请求复查")
    with harness.db.transaction() as session:  # a later reply of the same petition (e.g. after 重新办理)
        petition = session.get(Petition, pid)
        assert petition is not None
        document = documents.issue(
            session,
            petition,
            "reply_opinion",
            variables={"reply_text": "重新办理后答复如下……", "reply_outcome": "support"},
            sources=notice_sources(harness),
            now=harness.clock.now(),
        )
        assert document is not None
        assert "三十日内，向省教育厅请求复查" in document.body
        assert "上一级主管机关" not in document.body


# -- 4. 复查/复核意见书 ------------------------------------------------------------------------------


def test_review_and_recheck_opinions_cite_references_request_dates_and_finality(harness: Harness) -> None:
    api = harness.api
    pid = signed(api)
    replied(api, pid)
    code = api.petition(pid)["tracking_code"]
    harness.clock.advance(timedelta(days=10))  # 03-12
    api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "不服答复，请求复查"})
    api.complete(
        pid, "record_request", "assessor", review_body="省教育厅", request_summary="请求复查价格问题"
    )
    api.complete(
        pid,
        "record_outcome",
        "assessor",
        review_decision="upheld",
        review_opinion="维持原答复意见。",
        opinion_reference="陕教信复〔2026〕3号",
    )
    with harness.db.session() as session:
        reply_number = session.scalar(
            select(PetitionDocument.number).where(
                PetitionDocument.petition_id == pid, PetitionDocument.kind == "reply_opinion"
            )
        )
    review = notice(harness, pid, "review_opinion")
    assert f"您于2026年03月12日对答复意见书（{reply_number}）不服" in review
    assert "复查机关：省教育厅" in review and "复查意见书文号：陕教信复〔2026〕3号。" in review
    assert "复查结论：维持。" in review and "请求复核（《信访工作条例》第三十六条）" in review

    harness.clock.advance(timedelta(days=5))  # 03-17
    api.post(f"/api/v1/petitions/{pid}/reviews", {"reason": "请求复核"}, user="registrar")
    api.complete(
        pid, "record_request", "assessor", review_body="教育部", request_summary="请求复核", hearing=True
    )
    api.complete(
        pid,
        "record_hearing",
        "assessor",
        hearing_days=10,
        hearing_started="2026-03-20",
        hearing_ended="2026-03-30",
    )
    api.complete(
        pid,
        "record_outcome",
        "assessor",
        review_decision="upheld",
        review_opinion="复核维持。",
        opinion_reference="教信核〔2026〕1号",
    )
    recheck = notice(harness, pid, "recheck_opinion")
    assert "您于2026年03月17日对复查意见书（陕教信复〔2026〕3号）不服" in recheck
    assert "复核机关：教育部" in recheck and "复核意见书文号：教信核〔2026〕1号。" in recheck
    assert "（2026年03月20日至2026年03月30日），听证所用10日不计入复核期限" in recheck
    assert "本复核意见为终结意见" in recheck
    assert "仍以同一事实和理由提出信访请求的，不再受理" in recheck


# -- 5. 匿名与举报 -----------------------------------------------------------------------------------


def test_anonymous_petitioners_are_addressed_as_such_in_every_notice(harness: Harness) -> None:
    api = harness.api
    pid = signed(api, anonymous=True)
    replied(api, pid, delivery_method="electronic")  # no contact: the portal, by tracking code
    for kind in ("acceptance_notice", "reply_opinion"):
        body = notice(harness, pid, kind)
        assert body.startswith("匿名信访人：") or "\n匿名信访人：" in body, kind
        assert "张三" not in body


def test_a_reporters_identity_never_reaches_any_notice(harness: Harness) -> None:
    api = harness.api
    pid = signed(api, "discipline", request_type="report", category="ethics")
    replied(api, pid, delivery_method="electronic", department="discipline")
    with harness.db.session() as session:
        bodies = dict(
            session.execute(
                select(PetitionDocument.kind, PetitionDocument.body).where(
                    PetitionDocument.petition_id == pid
                )
            ).all()
        )
    assert set(bodies) >= {"acceptance_notice", "dispatch_form", "reply_opinion"}
    for kind, body in bodies.items():
        assert "张三" not in body and "13812345678" not in body and "610102200001011234" not in body, kind
    assert "举报人：" in bodies["reply_opinion"]


# -- 6. 交办单 ---------------------------------------------------------------------------------------


def test_dispatch_form_states_the_sign_for_and_handling_limits_the_engine_enforces(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    body = notice(any_harness, pid, "dispatch_form")
    sign_due = stored_due(any_harness, pid, element="sign_for")
    assert f"签收时限：请于{sign_due}前签收" in body
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    # The handling limit printed before the handling step existed is the one its D5 row now holds:
    # 60 days from 03-02 is 05-01, a holiday, so 05-06 (not 05-01).
    handling_due = stored_due(any_harness, pid, rule="D5")
    assert handling_due == "2026年05月06日"
    assert f"办理时限：请于{handling_due}前办结并反馈办理结果" in body
    assert "交办意见：无" in body


def test_dispatch_form_of_an_assigned_item_gives_one_handling_limit_the_earlier_with_its_basis(
    any_harness: Harness,
) -> None:
    """A 交办 item's handling step is due at the earlier of D5 and D12: the 交办单 gives that one
    date as its 办理时限 with its basis, and still names the date the assigning body wants the report."""
    api = any_harness.api
    cases = {"early": 10, "late": 90}  # report days from receipt: before, after the 60 days of D5
    pids = {}
    for name, days in cases.items():
        body = petition_body(channel="transfer", assigned_by="省教育厅信访办", report_days=days)
        pids[name] = api.register(body)["id"]
        api.complete(pids[name], "screening", "assessor", decision="accept")
        api.complete(pids[name], "routing", "assessor", department="logistics", co_departments=[])
        api.complete(pids[name], "sign_for", "logistics_handler", sign_result="sign")
    early, late = (notice(any_harness, pids[n], "dispatch_form") for n in cases)
    for name, body in (("early", early), ("late", late)):
        assert body.count("办理时限") == 1 and body.count("前办结") == 1, body
        report_due = stored_due(any_harness, pids[name], rule="D12")
        assert f"交办要求：省教育厅信访办要求于{report_due}前报告办理结果。" in body
    early_due = stored_due(any_harness, pids["early"], rule="D12")
    assert api.task(pids["early"], "handle", "logistics_handler")["deadline_rule"] == "D12"
    assert (
        f"办理时限：请于{early_due}前办结并反馈办理结果（省教育厅信访办要求的报告日期，"
        "早于《信访工作条例》第三十四条自受理之日起六十日的期限）" in early
    )
    late_due = stored_due(any_harness, pids["late"], rule="D5")
    assert api.task(pids["late"], "handle", "logistics_handler")["deadline_rule"] == "D5"
    assert late_due != stored_due(any_harness, pids["late"], rule="D12")
    assert (
        f"办理时限：请于{late_due}前办结并反馈办理结果（《信访工作条例》第三十四条，自受理之日起六十日）"
        in late
    )


# -- 7. 不予受理/不再受理告知书 ----------------------------------------------------------------------


def test_non_acceptance_notice_gives_the_assessors_reason_and_route(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body(request_type="appeal"))["id"]
    api.complete(
        pid,
        "screening",
        "assessor",
        decision="not_accept",
        reason="该争议已进入劳动人事争议仲裁程序。",
        route="劳动人事争议仲裁委员会",
    )
    body = notice(harness, pid, "non_acceptance_notice")
    assert "不予受理。理由：该争议已进入劳动人事争议仲裁程序。" in body
    assert "有权处理的机关提出：劳动人事争议仲裁委员会。" in body


def test_a_matter_closed_by_recheck_is_not_accepted_again_and_the_notice_says_why(harness: Harness) -> None:
    api = harness.api
    pid = signed(api)
    replied(api, pid)
    code = api.petition(pid)["tracking_code"]
    api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "请求复查"})
    api.complete(pid, "record_request", "assessor", review_body="省教育厅", request_summary="请求复查")
    api.complete(pid, "record_outcome", "assessor", review_decision="upheld", review_opinion="维持")
    api.post(f"/api/v1/petitions/{pid}/reviews", {"reason": "请求复核"}, user="registrar")
    api.complete(pid, "record_request", "assessor", review_body="教育部", request_summary="请求复核")
    api.complete(pid, "record_outcome", "assessor", review_decision="upheld", review_opinion="复核维持")
    again = api.register(petition_body(title="再次反映食堂价格"))["id"]
    api.complete(
        again,
        "screening",
        "assessor",
        decision="not_accept",
        duplicate_of=code,
        reason="与已复核终结事项系同一事实和理由",
        route="不再受理",
    )
    body = notice(harness, again, "non_acceptance_notice")
    assert "已经复核终结" in body and "依据《信访工作条例》第三十六条，不再受理" in body
    assert "审核意见：与已复核终结事项系同一事实和理由。" in body
    assert code not in body  # another petition's tracking code would open its portal page


# -- templates stay editable data -------------------------------------------------------------------


def test_every_shipped_template_passes_the_check_administrators_edits_face() -> None:
    for kind in templates.TITLES:
        templates.check_template(templates.default_template(kind).body)


OLD_EXTENSION_OVERRIDE = (
    "{{ addressee }}：\n　　“{{ title }}”因情况复杂，办理期限延长{{ extended_by }}日。\n"
    "　　原办理期限：{{ original_due }}；延长后办理期限：{{ new_due }}。\n>>{{ issuer }}\n"
)
OLD_SUPERVISION_OVERRIDE = "督办事项：{{ title }}\n反馈时限：请于{{ feedback_due }}前书面反馈。\n"


def test_overrides_written_before_the_new_placeholders_still_render(harness: Harness) -> None:
    api = harness.api
    headers = {"Authorization": f"Bearer {api.token('admin')}"}
    for kind, body in (
        ("extension_notice", OLD_EXTENSION_OVERRIDE),
        ("supervision_order", OLD_SUPERVISION_OVERRIDE),
    ):
        saved = api.client.put(f"/api/v1/document-templates/{kind}", json={"body": body}, headers=headers)
        assert saved.status_code == 200, saved.get_json()
    pid = signed(api)
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "拖延"}, user="supervisor")
    api.complete(
        pid,
        "issue_order",
        "supervisor",
        trigger="delay",
        problem="拖延",
        requirements="限期",
        feedback_days=5,
    )
    api.complete(
        pid,
        "handle",
        "logistics_handler",
        findings="需要更多时间",
        extension_days=25,
        extension_reason="需调取承包合同并审计",
    )
    api.complete(pid, "approve_extension", "leader", extension_approved=True)
    assert notice(harness, pid, "extension_notice").startswith(
        "张三：\n　　“二食堂饭菜价格上涨”因情况复杂，办理期限延长25日。\n"
        "　　原办理期限：2026年05月06日；延长后办理期限：2026年06月01日。"
    )
    assert "请于2026年03月09日前书面反馈。" in notice(harness, pid, "supervision_order")
    with harness.db.session() as session:
        versions = session.scalars(
            select(PetitionDocument.template_version).where(
                PetitionDocument.petition_id == pid,
                PetitionDocument.kind.in_(("extension_notice", "supervision_order")),
            )
        ).all()
    assert sorted(versions) == [1, 1]  # the edited copies, not the shipped defaults


def notice_sources(harness: Harness) -> documents.NoticeSources:
    """The service's own calendar: a notice computed without a stored row uses what the engine does."""
    return documents.NoticeSources(department_names=dict, calendar=harness.services.runtime.calendar)
