"""Written notices (DOMAIN.md §7), issued when the diagram reaches an element with a `document` property.

The text comes from the notice's template (service/documents: a shipped default, or the copy an
administrator edited), rendered in a sandbox with the petition's facts; the rendered text is frozen
in `petition_document.body`, and DOCX/PDF are rendered from it on download.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.clock import to_local
from service.documents import templates
from service.engine.calendar import as_moment
from service.engine.models import DeadlineRecord
from service.errors import NotFound
from service.petitions.models import Petition, PetitionDocument
from service.petitions.vocabulary import CHANNELS

ISSUER = "西安交通工程学院信访工作办公室（信访工作专用章）"
DATE = "%Y年%m月%d日"


@dataclass(frozen=True)
class DocumentKind:
    prefix: str
    for_petitioner: bool


KINDS: Mapping[str, DocumentKind] = {
    "acceptance_notice": DocumentKind("受告", True),
    "non_acceptance_notice": DocumentKind("不受", True),
    "redirect_notice": DocumentKind("告知", True),
    "dispatch_form": DocumentKind("交办", False),
    "extension_notice": DocumentKind("延告", True),
    "reply_opinion": DocumentKind("答复", True),
    "direct_reply": DocumentKind("即办", True),
    "supervision_order": DocumentKind("督办", False),
    "review_opinion": DocumentKind("复查", True),
    "recheck_opinion": DocumentKind("复核", True),
}
LABELS: Mapping[str, Mapping[str, str]] = {
    "reply_outcome": {
        "support": "支持",
        "partial_support": "部分支持",
        "not_support": "不支持",
        "explain": "解释说明",
        "adopted": "采纳",
        "partially_adopted": "部分采纳",
        "not_adopted": "不采纳",
    },
    "level": {"general": "一般督办", "key": "重点督办", "listed": "挂牌督办"},
    "trigger": {
        "delay": "拖延办理",
        "buck_passing": "推诿",
        "perfunctory": "敷衍",
        "falsification": "弄虚作假",
        "improper_handling": "违规受理或办理",
        "refusal": "拒不执行信访处理意见",
        "other": "其他",
        "overdue": "超期未办结",
        "manual": "督办员决定督办",
    },
    "review_decision": {"upheld": "维持", "changed": "变更", "revoked": "撤销", "redo": "责令重新办理"},
}


def issue(
    session: Session,
    petition: Petition,
    kind: str,
    *,
    variables: Mapping[str, Any],
    department_names: Mapping[str, str],
    now: datetime,
) -> PetitionDocument | None:
    spec = KINDS.get(kind)
    if spec is None:
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
    context = _context(session, petition, variables, department_names, now) | {"number": number}
    template, body = templates.render_notice(session, kind, context)
    document = PetitionDocument(
        petition_id=petition.id,
        kind=kind,
        number=number,
        title=template.title,
        body=body,
        for_petitioner=spec.for_petitioner,
        fields={"kind": kind, "reason": context["reason"], "route": context["route"]},
        issued_at=now,
        template_version=template.version,
    )
    session.add(document)
    session.flush()
    return document


def petitioner_documents(session: Session, petition_id: int) -> Sequence[PetitionDocument]:
    """The notices addressed to the petitioner (受理告知书, 答复意见书 …) in the order issued; internal
    forms such as the 交办单 and 督办单 are never among them."""
    return session.scalars(
        select(PetitionDocument)
        .where(PetitionDocument.petition_id == petition_id, PetitionDocument.for_petitioner.is_(True))
        .order_by(PetitionDocument.id)
    ).all()


def petitioner_document(session: Session, petition_id: int, document_id: int) -> PetitionDocument:
    """One of the petitioner's own notices; any other document (or another petition's) is not found."""
    found = next((d for d in petitioner_documents(session, petition_id) if d.id == document_id), None)
    if found is None:
        raise NotFound("文书不存在")
    return found


def _context(
    session: Session,
    petition: Petition,
    variables: Mapping[str, Any],
    department_names: Mapping[str, str],
    now: datetime,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        key: value
        for key, value in variables.items()
        if isinstance(value, str | int | float) and key.isidentifier()
    }
    for key, labels in LABELS.items():
        if key in context:
            context[key] = labels.get(str(context[key]), context[key])
    department = str(variables.get("department") or petition.department or "")
    context.update(
        reason=str(variables.get("reason") or ""),
        route=str(variables.get("route") or ""),
        addressee=_addressee(petition),
        title=petition.title,
        tracking_code=petition.tracking_code,
        received_date=to_local(petition.received_at).strftime(DATE),
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
    if isinstance(variables.get("extended_by"), int):
        original = session.scalar(
            select(DeadlineRecord.due_at)
            .where(DeadlineRecord.instance_id == petition.process_instance_id, DeadlineRecord.rule == "D5")
            .order_by(DeadlineRecord.id.desc())
            .limit(1)
        )
        if original is not None:
            context["original_due"] = to_local(original).strftime(DATE)
            context["new_due"] = to_local(original + timedelta(days=variables["extended_by"])).strftime(DATE)
    if variables.get("feedback_days"):
        issued = as_moment(variables.get("supervision_issued_at") or now)
        context["feedback_due"] = to_local(issued + timedelta(days=int(variables["feedback_days"]))).strftime(
            DATE
        )
    return context


def _addressee(petition: Petition) -> str:
    if petition.anonymous:
        return "信访人"
    if petition.request_type == "report":
        return "举报人"  # the reporter's name never appears in a stored document (art. 31)
    return petition.petitioner_name or "信访人"
