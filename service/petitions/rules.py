"""Checks on task submissions that need the database (registered with the runtime by form key)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.models import AuditEvent
from service.clock import Clock, to_local
from service.engine.calendar import BusinessCalendar
from service.engine.models import HumanTask
from service.identity.models import Department, User
from service.identity.roles import HANDLER, HEAD
from service.petitions.access import ACCUSATION, is_protected
from service.petitions.codes import petition_by_code
from service.petitions.projection import petition_id_of, petition_of_task
from service.petitions.vocabulary import CLOSED_STATUSES


def check_screening(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    if data.get("decision") != "merge":
        return {}
    target = petition_by_code(session, data.get("duplicate_of"))
    if target is None:
        return {"duplicate_of": "查询码不存在"}
    if target.id == petition_id_of(task.business_key):
        return {"duplicate_of": "不能合并到本件"}
    if target.status in CLOSED_STATUSES:
        return {"duplicate_of": "该事项已办结，请作为新事项受理或告知复查途径"}
    return {}


class _WindowCheck:
    """A submission checked against a deadline rule: it needs the clock and the current calendar."""

    def __init__(self, clock: Clock, calendar: Callable[[], BusinessCalendar]) -> None:
        self._clock = clock
        self._calendar = calendar

    def _closed_at(self, rule: str, start: datetime) -> datetime | None:
        """The end of `rule`'s window from `start`, if that has passed; None while it is open."""
        limit = self._calendar().deadline(rule, start).due_at
        return limit if self._clock.now() > limit else None


class ObjectionWindow(_WindowCheck):
    """Art. 23 ¶3 (D4): an item transferred by another body that is outside the university's remit
    is objected to (its screening `redirect`) within 5 工作日 of receipt, naming that body; after
    that the university accepts it or decides otherwise."""

    def __call__(self, session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
        if data.get("decision") != "redirect":
            return {}
        petition = petition_of_task(session, task)
        if petition is None or petition.channel != "transfer":
            return {}
        errors = {}
        if len(str(data.get("transfer_sender") or "").strip()) < 2:
            errors["transfer_sender"] = "对转送、交办事项提出异议，须写明转送/交办机关"
        closed = self._closed_at("D4", petition.received_at)
        if closed is not None:
            until = f"{to_local(closed):%Y-%m-%d}"
            errors["decision"] = (
                f"已超过提出异议的期限（收到之日起5个工作日，至 {until}）：请受理或作其他结论"
            )
        return errors


class ReturnWindow(_WindowCheck):
    """A department returns (退单) a dispatched item within 2 工作日 of the dispatch (DOMAIN.md §9, rule
    RETURN); after that the first-receiving department (首接) signs for it and handles it."""

    def __call__(self, session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
        if data.get("sign_result") != "return":
            return {}
        if _return_refused_since_dispatch(session, task.instance_id):
            return {"sign_result": "信访办已审核不同意退单（首接负责）：请签收办理，有异议的请与信访办联系"}
        closed = self._closed_at("RETURN", task.created_at)
        if closed is None:
            return {}
        return {
            "sign_result": f"已超过退单时限（派单后2个工作日内，至 {to_local(closed):%Y-%m-%d %H:%M}）："
            "请签收办理，确需调整的请与信访办联系"
        }


def _return_refused_since_dispatch(session: Session, instance_id: str) -> bool:
    """Whether the office turned down a 退单 after the latest dispatch (an approved one goes back to
    分流派单, whose completion is a new dispatch): the department then signs for it. The instance's
    audit stream orders the two steps (its sequence, not the clock, which may not have moved)."""
    latest = session.scalar(
        select(AuditEvent.element_id)
        .where(
            AuditEvent.instance_id == instance_id,
            AuditEvent.action == "task.completed",
            AuditEvent.element_id.in_(("review_return", "routing")),
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    return latest == "review_return"


def check_draft_reply(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    """Art. 33: a matter is settled by mediation or settlement only with every party's consent."""
    if data.get("mediated") is True and data.get("parties_consented") is not True:
        return {"parties_consented": "调解、和解须经当事各方自愿同意（《信访工作条例》第三十三条）"}
    return {}


def check_serve_reply(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    """A department cannot reach a writer who left no contact or whose identity is sealed from it:
    the reply goes out electronically, for the portal (by tracking code) or the office to pass on."""
    if data.get("delivery_method") in (None, "electronic"):
        return {}
    petition = petition_of_task(session, task)
    if petition is None:
        return {}
    if petition.anonymous:
        return {"delivery_method": "匿名信访无联系方式：请选择“电子送达”，信访人凭查询码查看答复"}
    if is_protected(session, petition):
        return {"delivery_method": "举报人身份保密，承办部门无其联系方式：请选择“电子送达”，由信访办转交"}
    return {}


def check_report_feedback(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    """An anonymous reporter cannot be told in person: the result waits behind the tracking code."""
    if data.get("feedback_result") != "told":
        return {}
    petition = petition_of_task(session, task)
    if petition is not None and petition.anonymous:
        return {"feedback_result": "匿名举报无法直接告知：请选择“举报人凭查询码查询结果”"}
    return {}


REPORT_DEPARTMENT = "discipline"  # 纪委办公室


def check_routing(session: Session, task: HumanTask, data: Mapping[str, Any]) -> dict[str, str]:
    if data.get("department") in (data.get("co_departments") or []):
        return {"co_departments": "协办部门不能包含主办部门"}
    petition = petition_of_task(session, task)
    if petition is not None and is_protected(session, petition):
        # Art. 31: accusations never go to the unit accused; the discipline office handles them alone.
        kind = (
            "举报事项"
            if petition.request_type == "report"
            else "检举控告类事项"
            if petition.statutory_class == ACCUSATION
            else "受限分类（师德师风与纪律等）的事项"
        )
        errors = {}
        if data.get("department") != REPORT_DEPARTMENT:
            errors["department"] = f"{kind}只能交纪委办公室办理（《信访工作条例》第三十一条）"
        if data.get("co_departments"):
            errors["co_departments"] = f"{kind}不设协办部门"
        if errors:
            return errors
    # Dispatched there, the item would wait for a sign-for (or the lead's 签发) nobody can give.
    unstaffed = departments_without(session, [data.get("department"), *(data.get("co_departments") or [])])
    if unstaffed:
        field = "department" if data.get("department") in unstaffed else "co_departments"
        return {field: f"{_names(unstaffed)}尚无承办人账号，不能派单：请改派，或先为该部门添加承办人"}
    if headless := departments_without(session, [data.get("department")], role=HEAD):
        missing = f"{_names(headless)}尚无部门负责人账号，答复无人签发"
        return {"department": f"{missing}，不能派单：请改派，或先添加负责人"}
    return {}


def _names(departments: Mapping[str, str]) -> str:
    return "、".join(sorted(departments.values()))


def departments_without(session: Session, codes: list[Any], *, role: str = HANDLER) -> dict[str, str]:
    """Of these departments, those with no active user of `role` (承办人 unless said), by name."""
    wanted = {code for code in codes if isinstance(code, str)}
    if not wanted:
        return {}
    staffed = select(User.department_code).where(User.role == role, User.active.is_(True))
    rows = session.execute(
        select(Department.code, Department.name).where(
            Department.code.in_(wanted), Department.code.not_in(staffed)
        )
    )
    return dict(rows.all())
