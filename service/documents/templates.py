"""Notice templates: the shipped defaults are files beside this module; an administrator's edited
copy lives in the `document_template` table and wins. Templates are Jinja2 text rendered in a
sandbox (jinja2.sandbox) with plain values only: nothing in a template can reach code or files.

Layout conventions, kept simple so that a template reads like the notice itself:
* one line = one paragraph (blank lines separate blocks);
* a line starting with ">>" is right-aligned (the issuing unit, the date);
* a line starting with "##" is a centred sub-heading.

Besides the petition's facts, every notice gets the office's own: `office_phone`
(PETITIONFLOW_OFFICE_PHONE, "" when unset, so a template prints its 联系电话 line only when it is set).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2 import Template as JinjaTemplate
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.documents import settings
from service.documents.models import DocumentTemplate
from service.errors import Invalid, NotFound

log = logging.getLogger(__name__)
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
MAX_LENGTH = 20_000
TITLES = {
    "acceptance_notice": "受理告知书",
    "non_acceptance_notice": "不予受理告知书",
    "redirect_notice": "告知书",
    "transfer_objection": "异议函",
    "completion_report": "办结报告",
    "mediation_agreement": "调解协议书",
    "settlement_agreement": "和解协议书",
    "dispatch_form": "交办单",
    "extension_notice": "延期告知书",
    "reply_opinion": "答复意见书",
    "direct_reply": "答复（接诉即办）",
    "urge_notice": "催办通知书",
    "criticism_notice": "通报",
    "supervision_order": "督办单",
    "review_opinion": "复查意见书",
    "recheck_opinion": "复核意见书",
}
# Sample values an edited template must render with before it is accepted.
SAMPLE: dict[str, Any] = {
    "number": "受告〔2026〕ABCD-EFGH-JKLM-1",
    "tracking_code": "ABCD-EFGH-JKLM",
    "title": "二食堂饭菜价格上涨",
    "addressee": "张三",
    "received_date": "2026年03月02日",
    "channel": "来信",
    "department": "后勤处",
    "co_departments": "无",
    "issuer": "西安交通工程学院信访工作办公室",
    "issued_date": "2026年03月02日",
    "reason": "属于诉讼途径",
    "route": "人民法院",
    "instructions": "请核查",
    "extended_by": 30,
    "original_due": "2026年05月01日",
    "new_due": "2026年05月31日",
    "reply_text": "经核查……",
    "outcome": "支持",
    "level": "重点督办",
    "trigger": "拖延办理",
    "problem": "超期未办结",
    "requirements": "限期办结",
    "feedback_due": "2026年04月01日",
    "decision": "维持",
    "opinion": "经复查……",
    "review_body": "省教育厅",
    "request_summary": "请求复查",
    "delivery_method": "电子送达",
    "final": "是",
    # Added with the notice audit; an edited template written before them simply does not use them.
    "accepted_date": "2026年03月02日",
    "approver": "分管校领导",
    "extension_reason": "需调取合同并审计",
    "sign_due": "2026年03月03日",
    "handling_due": "2026年05月06日",
    "handling_basis": "《信访工作条例》第三十四条，自受理之日起六十日",
    "findings": "经调查核实……",
    "reply_basis": "《学校食堂管理办法》第十条",
    "opinion_reference": "教信复〔2026〕12号",
    "requested_date": "2026年04月10日",
    "reviewed_opinion": "答复意见书（答复〔2026〕ABCD-EFGH-JKLM-5）",
    "hearing_days": 10,
    "hearing_period": "2026年04月20日至2026年04月30日",
    "reaccept_barred": False,
    "transfer_sender": "某区信访局",
    "overdue_task": "调查办理",
    "overdue_due": "2026年05月01日",
    "urge_due": "2026年05月11日",
    "assigned_by": "省教育厅信访办",
    "report_due": "2026年04月01日",
    "satisfaction": "满意",
    "closed_date": "2026年03月25日",
    "agreement_parties": "张三；后勤保障处",
    "agreement_terms": "后勤保障处于十日内恢复原价，并退还多收款项。",
    "agreement_performance": "2026年03月12日前履行完毕",
    "objection_due": "2026年03月09日",
    "office_phone": "029-88880000",
    "rated": True,
}


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    body: str
    version: int  # 0 = the shipped default


def default_template(kind: str) -> Template:
    path = TEMPLATE_DIR / f"{kind}.txt"
    if kind not in TITLES or not path.exists():
        raise NotFound(f"没有文书模板：{kind}")
    return Template(kind, TITLES[kind], path.read_text(encoding="utf-8"), 0)


def current_template(session: Session, kind: str) -> Template:
    edited = session.get(DocumentTemplate, kind)
    if edited is not None:
        return Template(kind, edited.title, edited.body, edited.version)
    return default_template(kind)


def _environment(strict: bool) -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined if strict else Undefined, keep_trailing_newline=True
    )
    environment.globals.clear()  # no range, cycler, lipsum …: a notice needs its values only
    return environment


_LENIENT = _environment(strict=False)


@functools.lru_cache(maxsize=64)
def _compiled(body: str) -> JinjaTemplate:
    # Compiling costs milliseconds and a body never changes (an edit is a new body): keyed by content.
    return _LENIENT.from_string(body)


def render_text(body: str, context: Mapping[str, Any]) -> str:
    """The template filled in; unknown names render empty (a missing fact must not stop a notice)."""
    return _compiled(body).render(**dict(context))


def check_template(body: str) -> None:
    """Refuse a template that does not parse, is too long, or names values no notice has."""
    if len(body) > MAX_LENGTH:
        raise Invalid("模板过长", errors={"body": f"不超过 {MAX_LENGTH} 个字符"})
    try:
        _environment(strict=True).from_string(body).render(**SAMPLE)
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise Invalid("模板无法使用", errors={"body": f"模板错误：{error}"}) from error


def office_facts() -> dict[str, str]:
    """The office's own values every notice may print. They win over a process variable of the same
    name: what the office's line says is the office's to set."""
    return {"office_phone": settings.office_phone()}


def render_notice(session: Session, kind: str, context: Mapping[str, Any]) -> tuple[Template, str]:
    """The notice text from the current template; should an edited template fail on these values,
    the shipped default is used (and logged), so a notice is never left unissued."""
    context = {**context, **office_facts()}
    template = current_template(session, kind)
    try:
        return template, render_text(template.body, context)
    except Exception:
        log.exception("document template %s v%s failed; using the shipped default", kind, template.version)
        default = default_template(kind)
        return default, render_text(default.body, context)


def save_template(
    session: Session, *, kind: str, title: str | None, body: str, actor: str, now: datetime
) -> Template:
    default = default_template(kind)
    check_template(body)
    row = session.get(DocumentTemplate, kind)
    if row is None:
        row = DocumentTemplate(
            kind=kind, title=title or default.title, body=body, version=1, updated_by=actor, updated_at=now
        )
        session.add(row)
    else:
        row.title, row.body, row.version = title or row.title, body, row.version + 1
        row.updated_by, row.updated_at = actor, now
    session.flush()
    chain.append(
        session,
        [PendingEvent(actor=actor, action="template.replaced", data={"kind": kind, "version": row.version})],
        at=now,
    )
    return Template(kind, row.title, row.body, row.version)


def reset_template(session: Session, kind: str, *, actor: str, now: datetime) -> Template:
    row = session.get(DocumentTemplate, kind)
    if row is not None:
        session.delete(row)
        session.flush()
        chain.append(
            session, [PendingEvent(actor=actor, action="template.reset", data={"kind": kind})], at=now
        )
    return default_template(kind)


def list_templates(session: Session) -> list[Template]:
    return [current_template(session, kind) for kind in TITLES]
