"""What the petitioner sees and does without an account: the public timeline of a petition (no
internal names or notes) and their own evaluation at follow-up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.models import AuditEvent
from service.engine.commands import Actor, CompleteTask
from service.engine.models import TASK_OPEN, HumanTask
from service.engine.runtime import Runtime
from service.errors import Conflict
from service.petitions import petitioner_notices
from service.petitions.models import Petition
from service.petitions.projection import business_key
from service.petitions.service import PETITIONER_ACTOR
from service.petitions.vocabulary import REVIEW_LEVELS, STATUSES

_PUBLIC_EVENTS: dict[str, Callable[[dict[str, Any]], str]] = {
    # Received, not yet forwarded: the office registers it and forwards it later (its own task).
    "review.requested": lambda data: f"收到{REVIEW_LEVELS.get(str(data.get('level')), '复查/复核')}请求",
    "review.decided": lambda data: "已收到复查/复核意见",
    "petition.registered": lambda data: "已登记，查询码已生成",
    "petition.status_changed": lambda data: STATUSES.get(str(data.get("new")), "办理状态更新"),
    "document.issued": lambda data: f"已出具《{data.get('title')}》",
    # source governance (issue 6): the fixed public wording is carried in the event itself
    "governance.linked": lambda data: str(data.get("public", "")),
    "governance.fixed": lambda data: str(data.get("public", "")),
}


def public_view(
    session: Session, petition: Petition, review: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Status, a timeline without internal names or notes, and the reply once it is served."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.business_key == business_key(petition.id), AuditEvent.action.in_(_PUBLIC_EVENTS))
        .order_by(AuditEvent.id)
    ).all()
    petitioner_docs = {d.id for d in petitioner_notices.petitioner_documents(session, petition.id)}
    timeline = [
        {"at": event.at, "event": _PUBLIC_EVENTS[event.action](event.data)}
        for event in events
        if event.action != "document.issued" or event.data.get("document_id") in petitioner_docs
    ]
    view: dict[str, Any] = {
        "tracking_code": petition.tracking_code,
        "status": petition.status,
        "status_label": STATUSES.get(petition.status, petition.status),
        "timeline": timeline,
        "received_at": petition.received_at,
        "title": petition.title,
        "can_evaluate": evaluation_task(session, petition) is not None,
    }
    if petition.replied_at is not None and petition.reply_text:
        view["reply"] = {"text": petition.reply_text, "replied_at": petition.replied_at}
    if review is not None:
        view["review"] = review
    return view


def evaluation_task(session: Session, petition: Petition) -> HumanTask | None:
    return session.scalar(
        select(HumanTask).where(
            HumanTask.business_key == business_key(petition.id),
            HumanTask.status == TASK_OPEN,
            HumanTask.form_key == "follow_up",
        )
    )


def evaluate(
    session: Session,
    *,
    runtime: Runtime,
    petition: Petition,
    satisfaction: str,
    comment: str | None,
    resolved: bool | None = None,
) -> None:
    """The petitioner's own evaluation completes the follow-up task (回访评价) as the petitioner."""
    task = evaluation_task(session, petition)
    if task is None:
        raise Conflict("当前不在评价阶段")
    data: dict[str, Any] = {"satisfaction": satisfaction, "follow_up_comment": comment or ""}
    if resolved is not None:
        data["resolved"] = resolved
    petitioner = Actor(username=PETITIONER_ACTOR, groups=frozenset({task.candidate_group or ""}))
    runtime.execute(CompleteTask(task_id=task.id, actor=petitioner, data=data), session=session)
