"""Written notices (DOMAIN.md §7), issued when the diagram reaches an element with a `document` property.

The text comes from the notice's template (service/documents: a shipped default, or the copy an
administrator edited), rendered in a sandbox with the petition's facts; the rendered text is frozen
in `petition_document.body`, and DOCX/PDF are rendered from it on download.

Every due date a notice states is the one the engine enforces: read from the `deadline` row the
engine stored for that step, or, when there is none yet, computed with the same business calendar
and rule (a period ending on a rest day ends on the next working day).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import Session

from service.clock import to_local
from service.db import insert_values, table_of
from service.documents import templates
from service.engine.calendar import BusinessCalendar, as_moment
from service.engine.models import DeadlineRecord, HumanTask, ProcessInstance
from service.identity.models import User
from service.petitions.access import ACCUSATION, is_protected
from service.petitions.codes import petition_by_code
from service.petitions.document_kinds import KEPT_FIELDS, KINDS
from service.petitions.models import Petition, PetitionDocument
from service.petitions.vocabulary import CHANNELS, NOTICE_LABELS, SATISFACTION

log = logging.getLogger(__name__)
ISSUER = "西安交通工程学院信访工作办公室（信访工作专用章）"
DATE = "%Y年%m月%d日"
ANONYMOUS = "匿名信访人"
DEFAULT_APPROVER = "学校负责人"
EXTENSION_STEP = "approve_extension"  # the petition diagram's element ids these notices read
SIGN_STEP = "sign_for"
STATUTORY_HANDLING_BASIS = "《信访工作条例》第三十四条，自受理之日起六十日"
ASSIGNED_HANDLING_BASIS = "{body}要求的报告日期，早于《信访工作条例》第三十四条自受理之日起六十日的期限"


_INSERT_DOCUMENT = insert(table_of(PetitionDocument)).returning(table_of(PetitionDocument).c.id)


@dataclass(frozen=True)
class NoticeSources:
    """What notices draw on besides the petition: department names and the business calendar
    (the engine's own, for a due date not stored yet)."""

    department_names: Callable[[], Mapping[str, str]]
    calendar: Callable[[], BusinessCalendar]


def issue(
    session: Session,
    petition: Petition,
    kind: str,
    *,
    variables: Mapping[str, Any],
    sources: NoticeSources,
    now: datetime,
) -> PetitionDocument | None:
    spec = KINDS.get(kind)
    if spec is None or (spec.applies is not None and not spec.applies(variables)):
        return None
    sequence = (
        session.scalar(
            select(func.count())
            .select_from(PetitionDocument)
            .where(PetitionDocument.petition_id == petition.id)
        )
        or 0
    ) + 1
    number = f"{spec.prefix}〔{to_local(now).year}〕{petition.tracking_code}-{sequence}"
    facts = _Facts(session, petition, variables, now, sources.calendar())
    context = _context(facts, kind, sources.department_names()) | {"number": number}
    template, body = templates.render_notice(session, kind, context)
    document = PetitionDocument(
        petition_id=petition.id,
        kind=kind,
        number=number,
        title=template.title,
        body=body,
        for_petitioner=spec.for_petitioner,
        fields={"kind": kind, "reason": context["reason"], "route": context["route"]}
        | {key: str(context[key]) for key in KEPT_FIELDS if context.get(key)},
        issued_at=now,
        template_version=template.version,
    )
    # A Core INSERT for the id the audit event names (no session holds the notice): the ORM's flush
    # would also write out whatever else the command changed so far, only to write it again later.
    with session.no_autoflush:
        document.id = session.scalar(_INSERT_DOCUMENT, insert_values(document))
    return document


@dataclass(frozen=True)
class _Facts:
    """What one notice is drawn from."""

    session: Session
    petition: Petition
    variables: Mapping[str, Any]
    now: datetime
    calendar: BusinessCalendar

    def stored_due(self, *conditions: ColumnElement[bool]) -> datetime | None:
        """The due moment of the latest deadline row matching `conditions`."""
        return self.session.scalar(
            select(DeadlineRecord.due_at).where(*conditions).order_by(DeadlineRecord.id.desc()).limit(1)
        )

    def computed_due(self, rule: str, start: Any, count: int | None = None) -> datetime | None:
        """The due moment the engine would compute (same calendar, same rule); None if it cannot."""
        try:
            return self.calendar.deadline(rule, start, count).due_at
        except (ValueError, TypeError):
            log.warning("cannot compute %s from %r for a notice", rule, start)
            return None


def _context(facts: _Facts, kind: str, department_names: Mapping[str, str]) -> dict[str, Any]:
    petition, variables, now = facts.petition, facts.variables, facts.now
    context: dict[str, Any] = {
        key: value
        for key, value in variables.items()
        if isinstance(value, str | int | float) and key.isidentifier()
    }
    for key, labels in NOTICE_LABELS.items():
        if key in context:
            context[key] = labels.get(str(context[key]), context[key])
    department = str(variables.get("department") or petition.department or "")
    context.update(
        reason=_clause(variables.get("reason")),
        route=_clause(variables.get("route")),
        addressee=_addressee(facts.session, petition),
        title=petition.title,
        tracking_code=petition.tracking_code,
        received_date=to_local(petition.received_at).strftime(DATE),
        accepted_date=_date(variables.get("accepted_at")),
        channel=CHANNELS.get(petition.channel, petition.channel),
        department=department_names.get(department, department),
        co_departments="、".join(department_names.get(c, c) for c in variables.get("co_departments") or [])
        or "无",
        issuer=ISSUER,
        issued_date=to_local(now).strftime(DATE),
        outcome=context.get("reply_outcome", ""),
        decision=context.get("review_decision", ""),
        opinion=str(variables.get("review_opinion") or ""),
    )
    # Every notice printed these whenever the facts existed; edited templates may rely on it.
    if isinstance(variables.get("extended_by"), int):
        context.update(_extension(facts))
    if variables.get("feedback_days"):
        context["feedback_due"] = _feedback_due(facts)
    kind_facts = _FACTS.get(kind)
    if kind_facts is not None:
        context.update(kind_facts(facts))
    return context


def _addressee(session: Session, petition: Petition) -> str:
    if petition.anonymous:
        return ANONYMOUS
    if petition.request_type == "report":
        return "举报人"  # the reporter's name never appears in a stored document (art. 31)
    if is_protected(session, petition):  # a restricted category: no name in a stored document either
        return "信访人"
    return petition.petitioner_name or "信访人"


# -- facts of one kind of notice -------------------------------------------------------------------
# Dates are the engine's: a due date is the `deadline` row the engine stored for the step (the one
# its clock, reminders and supervision use); only when there is none is it computed, with the same
# business calendar and rule. Never raw days added to a date: a period ending on a rest day ends on
# the next working day.


def _extension(facts: _Facts) -> dict[str, Any]:
    """延期告知书: the D5 limit, the D6 limit that replaces it, the reason given and who approved it."""
    variables = facts.variables
    own = DeadlineRecord.instance_id == facts.petition.process_instance_id
    original = facts.stored_due(own, DeadlineRecord.rule == "D5")
    extended = facts.stored_due(own, DeadlineRecord.rule == "D6")
    if original is None and variables.get("accepted_at"):
        original = facts.computed_due("D5", variables["accepted_at"])
    if extended is None and original is not None:
        extended = facts.computed_due("D6", original, int(variables["extended_by"]))
    found: dict[str, Any] = {
        "extension_reason": _clause(variables.get("extension_reason")),
        "approver": _approver(facts.session, facts.petition),
    }
    if original is not None:
        found["original_due"] = _date(original)
    if extended is not None:
        found["new_due"] = _date(extended)
    return found


def _approver(session: Session, petition: Petition) -> str:
    """Who completed the extension approval (display name), else the generic 学校负责人."""
    task = session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == petition.process_instance_id, HumanTask.element_id == EXTENSION_STEP)
        .order_by(HumanTask.created_at.desc())
        .limit(1)
    ).first()
    username = task.completed_by if task is not None else None
    if not username:
        return DEFAULT_APPROVER
    name = session.scalar(select(User.display_name).where(User.username == username))
    return name or DEFAULT_APPROVER


def _feedback_due(facts: _Facts) -> str:
    """督办单: the D13 feedback limit of the supervision just issued (the timer's own date)."""
    from service.petitions.projection import business_key  # projection imports this module

    key = business_key(facts.petition.id)
    supervisions = select(ProcessInstance.id).where(ProcessInstance.business_key == key)
    due = facts.stored_due(DeadlineRecord.instance_id.in_(supervisions), DeadlineRecord.rule == "D13")
    if due is None:
        issued = facts.variables.get("supervision_issued_at") or facts.now
        due = facts.computed_due("D13", issued, int(facts.variables["feedback_days"]))
    return _date(due)


def _acceptance(facts: _Facts) -> dict[str, Any]:
    """受理告知书: whether the petitioner will be asked to rate the result. 检举控告类 items (a 举报, or
    what screening classed as an accusation) are not rated: the result is fed back to the reporter,
    as the diagram's report_feedback step does."""
    petition = facts.petition
    return {"rated": petition.request_type != "report" and petition.statutory_class != ACCUSATION}


def _dispatch(facts: _Facts) -> dict[str, Any]:
    """交办单: by when the department must sign for the item, and the one handling limit (办理时限)
    the `handle` step is due at: D5 (60 days from acceptance), or, for an item a higher body assigned
    (交办), the date it wants the result reported by (D12) when that comes first; the report date
    itself is named too."""
    own = DeadlineRecord.instance_id == facts.petition.process_instance_id
    sign = facts.stored_due(own, DeadlineRecord.element_id == SIGN_STEP) or facts.computed_due(
        "SIGN", facts.now
    )
    handling = facts.stored_due(own, DeadlineRecord.rule == "D5")
    if handling is None and facts.variables.get("accepted_at"):
        handling = facts.computed_due("D5", facts.variables["accepted_at"])
    report = facts.stored_due(own, DeadlineRecord.rule == "D12") if facts.petition.assigned_by else None
    basis = STATUTORY_HANDLING_BASIS
    # As the diagram's earliest(): D12 only when strictly earlier (a tie keeps D5, the first named).
    if report is not None and (handling is None or as_moment(report) < as_moment(handling)):
        handling, basis = report, ASSIGNED_HANDLING_BASIS.format(body=facts.petition.assigned_by)
    return {
        "sign_due": _date(sign),
        "handling_due": _date(handling),
        "handling_basis": basis if handling is not None else "",
        "assigned_by": facts.petition.assigned_by or "",
        "report_due": _date(report) if report else "",
    }


def _urge(facts: _Facts) -> dict[str, Any]:
    """催办通知书: which step ran over its due date, and the working days left before escalation."""
    overdue = facts.session.get(HumanTask, facts.variables.get("overdue_task_id") or "")
    return {
        "overdue_task": str(facts.variables.get("overdue_task") or "承办事项"),
        "overdue_due": _date(overdue.due_at) if overdue is not None else "",
        "urge_due": _date(facts.computed_due("URGE", facts.now)),
    }


def _objection(facts: _Facts) -> dict[str, Any]:
    """异议函: to the body that transferred the item, within D4 (5 工作日 of receipt)."""
    limit = facts.computed_due("D4", facts.petition.received_at)
    sender = _clause(facts.variables.get("transfer_sender")) or "转送机关"
    return {"transfer_sender": sender, "objection_due": _date(limit)}


def _completion_report(facts: _Facts) -> dict[str, Any]:
    """办结报告: to the assigning body, by the date it set (the stored D12 deadline)."""
    petition = facts.petition
    due = facts.stored_due(
        DeadlineRecord.instance_id == petition.process_instance_id, DeadlineRecord.rule == "D12"
    )
    satisfaction = facts.variables.get("satisfaction")
    return {
        "assigned_by": petition.assigned_by or "交办机关",
        "report_due": _date(due),
        "reply_text": _clause(petition.reply_text),
        "outcome": NOTICE_LABELS["reply_outcome"].get(str(petition.reply_outcome), ""),
        "satisfaction": SATISFACTION.get(str(satisfaction), "") if satisfaction else "",
        "closed_date": _date(facts.now),
    }


def _reply(facts: _Facts) -> dict[str, Any]:
    """答复意见书: the facts found, the basis, how it is served, and where to ask for 复查."""
    from service.petitions.review import REVIEW, PetitionReview  # review imports this module

    session, petition, variables = facts.session, facts.petition, facts.variables
    body = session.scalar(
        select(PetitionReview.review_body)
        .where(
            PetitionReview.petition_id == petition.id,
            PetitionReview.level == REVIEW,
            PetitionReview.review_body.is_not(None),
        )
        .order_by(PetitionReview.id.desc())
        .limit(1)
    )
    method = variables.get("delivery_method")
    return {
        "findings": str(variables.get("findings") or "").strip(),
        "reply_basis": str(variables.get("reply_basis") or "").strip(),
        "delivery_method": NOTICE_LABELS["delivery_method"].get(str(method), str(method)) if method else "",
        "review_body": body or "",
    }


def _review_facts(facts: _Facts, reviewed_kinds: tuple[str, ...]) -> dict[str, Any]:
    """复查/复核意见书: the opinion's own number, the request date, the opinion reviewed, the hearing."""
    session, petition, variables = facts.session, facts.petition, facts.variables
    reviewed = session.scalars(
        select(PetitionDocument)
        .where(PetitionDocument.petition_id == petition.id, PetitionDocument.kind.in_(reviewed_kinds))
        .order_by(PetitionDocument.id.desc())
        .limit(1)
    ).first()
    reviewed_opinion = ""
    if reviewed is not None:
        reference = (reviewed.fields or {}).get("opinion_reference") or reviewed.number
        reviewed_opinion = f"{reviewed.title}（{reference}）"
    started, ended = _date(variables.get("hearing_started")), _date(variables.get("hearing_ended"))
    hearing_days = variables.get("hearing_days")
    return {
        "opinion_reference": str(variables.get("opinion_reference") or "").strip(),
        "requested_date": _date(variables.get("requested_at")),
        "reviewed_opinion": reviewed_opinion,
        "request_summary": str(variables.get("request_summary") or variables.get("reason") or ""),
        "review_body": str(variables.get("review_body") or ""),
        "hearing_days": hearing_days if isinstance(hearing_days, int) and hearing_days > 0 else 0,
        "hearing_period": f"{started}至{ended}" if started and ended else started,
    }


def _non_acceptance(facts: _Facts) -> dict[str, Any]:
    """不予受理告知书: whether it is the same matter as one closed by 复核 (不再受理, art. 36)."""
    from service.petitions.review import is_final  # review imports this module

    session = facts.session
    earlier = petition_by_code(session, facts.variables.get("duplicate_of"))
    return {"reaccept_barred": earlier is not None and is_final(session, earlier.id)}


_FACTS: Mapping[str, Callable[[_Facts], Mapping[str, Any]]] = {
    "acceptance_notice": _acceptance,
    "dispatch_form": _dispatch,
    "reply_opinion": _reply,
    "review_opinion": lambda facts: _review_facts(facts, ("reply_opinion", "direct_reply")),
    "recheck_opinion": lambda facts: _review_facts(facts, ("review_opinion",)),
    "non_acceptance_notice": _non_acceptance,
    "transfer_objection": _objection,
    "urge_notice": _urge,
    "criticism_notice": _urge,
    "completion_report": _completion_report,
}


# -- helpers ---------------------------------------------------------------------------------------


def _date(value: Any) -> str:
    """A moment (datetime, date, ISO string) as a local date in notice style; "" when unknown."""
    if not value:
        return ""
    try:
        return to_local(as_moment(value)).strftime(DATE)
    except (ValueError, TypeError):
        return ""


def _clause(value: Any) -> str:
    """Free text placed inside a sentence the template ends itself: no trailing punctuation."""
    return str(value or "").strip().rstrip("。．.；;，,、 ")
