"""Small reads the pages need beside the domain services (read-only; never a write)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.audit.models import AuditEvent
from service.engine.models import ProcessInstance
from service.engine.runtime import Runtime
from service.petitions.models import Category, Petition


def petitions_by_id(session: Session, ids: Iterable[int]) -> dict[int, Petition]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Petition).where(Petition.id.in_(wanted)))}


def categories(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Category.code, Category.name, Category.parent_code)
        .where(Category.active.is_(True))
        .order_by(Category.sort_order, Category.code)
    ).all()
    names = {code: name for code, name, _ in rows}
    return [(code, f"{names[parent]} / {name}" if parent in names else name) for code, name, parent in rows]


def form_order(session: Session, runtime: Runtime, instance_id: str, form_key: str) -> list[str]:
    """The field order the form file asks for (`ui.order`), from the version the instance runs on."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        return []
    form = runtime.versions.get(session, instance.version_id).forms.get(form_key) or {}
    return list((form.get("ui") or {}).get("order") or [])


def audit_events(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    business_key: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    q: str | None = None,
    limit: int = 200,
) -> Sequence[AuditEvent]:
    statement = select(AuditEvent)
    if actor:
        statement = statement.where(AuditEvent.actor == actor)
    if action:
        statement = statement.where(or_(AuditEvent.action == action, AuditEvent.action.like(f"{action}.%")))
    if business_key:
        statement = statement.where(AuditEvent.business_key == business_key)
    if since:
        statement = statement.where(AuditEvent.at >= since)
    if until:
        statement = statement.where(AuditEvent.at < until)
    if q:
        statement = statement.where(or_(AuditEvent.instance_id == q, AuditEvent.task_id == q))
    return session.scalars(statement.order_by(AuditEvent.id.desc()).limit(limit)).all()
