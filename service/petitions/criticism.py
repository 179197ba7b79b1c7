"""通报, the last rung of the ladder (DOMAIN.md §9: reminder → 催办通知书 → 通报).

A supervised step that ran over its due date gets a 催办通知书 as its supervision starts (see
supervision.py). If the step is still open 5 工作日 later (rule `URGE`) and the department has given
no written explanation (no supervision feedback yet), a 通报 goes to the school's leaders and the
department, once per 催办通知书. A periodic job runs this; it changes no process instance.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.engine.models import TASK_OPEN, HumanTask
from service.engine.runtime import Runtime
from service.petitions import documents
from service.petitions.models import Petition, PetitionDocument
from service.petitions.projection import business_key
from service.petitions.service import department_names
from service.petitions.supervision import OPEN, Supervision

URGE_NOTICE, CRITICISM = "urge_notice", "criticism_notice"
NO_EXPLANATION_YET = (None, "issued", "awaiting_feedback")  # supervision stages before any feedback


def criticise_overdue(runtime: Runtime, *, as_of: datetime | None = None) -> int:
    """Issue every 通报 now due; return how many."""
    now = as_of or runtime.clock.now()
    calendar = runtime.calendar()
    issued = 0
    with runtime.db.transaction() as session:
        names = department_names(session)
        sources = documents.NoticeSources(department_names=lambda: names, calendar=runtime.calendar)
        urged = session.execute(
            select(Supervision, PetitionDocument.issued_at)
            .join(PetitionDocument, PetitionDocument.petition_id == Supervision.petition_id)
            .where(
                Supervision.status == OPEN,
                Supervision.trigger == "overdue",
                PetitionDocument.kind == URGE_NOTICE,
                PetitionDocument.issued_at >= Supervision.started_at,
            )
        ).all()
        for supervision, urged_at in urged:
            task = session.get(HumanTask, supervision.overdue_task_id or "")
            if task is None or task.status != TASK_OPEN or supervision.stage not in NO_EXPLANATION_YET:
                continue
            if now <= calendar.deadline("URGE", urged_at).due_at or _criticised(
                session, supervision, urged_at
            ):
                continue
            _criticise(session, supervision, task, sources, now)
            issued += 1
    return issued


def _criticised(session: Session, supervision: Supervision, since: datetime) -> bool:
    found = select(PetitionDocument.id).where(
        PetitionDocument.petition_id == supervision.petition_id,
        PetitionDocument.kind == CRITICISM,
        PetitionDocument.issued_at >= since,
    )
    return session.scalar(found.limit(1)) is not None


def _criticise(
    session: Session,
    supervision: Supervision,
    task: HumanTask,
    sources: documents.NoticeSources,
    now: datetime,
) -> None:
    petition = session.get(Petition, supervision.petition_id)
    if petition is None:
        return
    variables = {"overdue_task": task.title, "overdue_task_id": task.id}
    notice = documents.issue(session, petition, CRITICISM, variables=variables, sources=sources, now=now)
    if notice is None:
        return
    event = PendingEvent(
        actor="system",
        action="document.issued",
        business_key=business_key(petition.id),
        data={"kind": CRITICISM, "number": notice.number, "title": notice.title, "document_id": notice.id},
    )
    chain.append(session, [event], at=now)
