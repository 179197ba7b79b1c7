"""The co-handling departments' opinions (联动), shown above the form where the lead department
drafts its reply, where its head signs the reply off and where a leader approves a major reply, one
item per opinion given, in order.

Each opinion is the `co_opinion` a co-handling step was completed with, as the audit trail keeps it
(the engine keeps no copy once the parallel steps have joined)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from service.audit.models import AuditEvent
from service.engine.models import TASK_COMPLETED, HumanTask
from service.engine.task_forms import ContextSource

CO_HANDLING_FORM = "co_handling"
SHOWN_AT = ("draft_reply", "signoff", "major_reply_approval")  # form keys


def opinions_source(department_names: Callable[[], Mapping[str, str]]) -> ContextSource:
    def co_opinions(session: Session, row: HumanTask) -> list[tuple[str, Any]]:
        if row.business_key is None:
            return []
        given = session.execute(
            select(HumanTask.candidate_group, AuditEvent.data)
            .join(
                AuditEvent,
                and_(
                    AuditEvent.business_key == row.business_key,
                    AuditEvent.task_id == HumanTask.id,
                    AuditEvent.action == "task.completed",
                ),
            )
            .where(
                HumanTask.business_key == row.business_key,
                HumanTask.form_key == CO_HANDLING_FORM,
                HumanTask.status == TASK_COMPLETED,
            )
            .order_by(AuditEvent.id)
        ).all()
        names = department_names()
        items = []
        for group, data in given:
            department = (group or "").partition("@")[2]
            opinion = (data.get("after") or {}).get("co_opinion")
            if opinion:
                items.append((f"协办意见（{names.get(department, department)}）", opinion))
        return items

    return co_opinions
