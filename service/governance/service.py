"""Governance items (源头治理事项): opening one from a hot issue or by hand, linking petitions,
listing and reading them. The item's life runs in processes/governance.bpmn (see projection.py).

`create_issue` and `list_open_issues` are also what the campaign calls (service/campaign/governance_link.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.engine.commands import Actor, StartInstance
from service.engine.models import TASK_OPEN, HumanTask
from service.engine.runtime import Runtime
from service.errors import Invalid, NotFound
from service.governance.models import GovernanceItem, GovernanceLink, GovernanceReport
from service.governance.vocabulary import (
    OPEN_STATUSES,
    PROCESS_KEY,
    PUBLIC_LINKED,
    business_key,
    item_id_of,
)
from service.identity.models import Department
from service.identity.service import display_names
from service.petitions.models import Petition
from service.petitions.projection import business_key as petition_key

PENDING_START = "governance.pending_start"


@dataclass(frozen=True)
class Opening:
    title: str
    source: str = "manual"
    description: str = ""
    category: str | None = None
    keywords: list[str] = field(default_factory=list)
    department: str | None = None
    leader: str | None = None
    responsible_person: str | None = None
    due_on: date | None = None
    petition_ids: list[int] = field(default_factory=list)


def _new_item(session: Session, opening: Opening, *, actor: str, now: datetime) -> GovernanceItem:
    errors: dict[str, str] = {}
    if not opening.title.strip():
        errors["title"] = "标题不能为空"
    if opening.department and session.get(Department, opening.department) is None:
        errors["department"] = "未知的责任部门"
    if errors:
        raise Invalid("治理事项信息有误", errors=errors)
    item = GovernanceItem(
        title=opening.title.strip()[:200],
        description=opening.description,
        source=opening.source,
        category=opening.category,
        keywords=list(opening.keywords),
        department=opening.department,
        leader=opening.leader,
        responsible_person=opening.responsible_person,
        due_on=opening.due_on,
        status="proposed",
        opened_by=actor,
        opened_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    chain.append(
        session,
        [
            PendingEvent(
                actor=actor,
                action="governance.opened",
                business_key=business_key(item.id),
                data={"title": item.title, "source": item.source},
            )
        ],
        at=now,
    )
    return item


def open_item(session: Session, *, runtime: Runtime, actor: Actor, opening: Opening) -> GovernanceItem:
    """Open an item, link its petitions and start its process, in the caller's unit of work."""
    now = runtime.clock.now()
    item = _new_item(session, opening, actor=actor.username, now=now)
    link_petitions(session, item, opening.petition_ids, actor=actor.username, now=now)
    start_process(session, runtime, item, actor)
    return item


def start_process(session: Session, runtime: Runtime, item: GovernanceItem, actor: Actor) -> None:
    data: dict[str, Any] = {"item_id": item.id, "title": item.title}
    for name in ("description", "leader", "department", "responsible_person"):
        if getattr(item, name):
            data[name] = getattr(item, name)
    if item.due_on:
        data["due_on"] = item.due_on.isoformat()
    outcome = runtime.execute(
        StartInstance(model_key=PROCESS_KEY, actor=actor, business_key=business_key(item.id), data=data),
        session=session,
    )
    item.process_instance_id = outcome.instance.id


def create_issue(
    session: Session,
    *,
    title: str,
    department: str,
    leader: str | None,
    due_on: date | None,
    source: str,
    actor: str,
    now: datetime,
) -> GovernanceItem:
    """For the campaign: an item raised inside one of its commands. Its process starts at the end of
    that same command (the governance listener runs after the campaign's)."""
    item = _new_item(
        session,
        Opening(title=title, source=source, department=department, leader=leader, due_on=due_on),
        actor=actor,
        now=now,
    )
    session.info.setdefault(PENDING_START, []).append((item.id, actor))
    return item


def start_pending(session: Session, runtime: Runtime) -> int:
    pending: list[tuple[int, str]] = session.info.pop(PENDING_START, [])
    for item_id, actor in pending:
        item = session.get(GovernanceItem, item_id)
        if item is not None and item.process_instance_id is None:
            start_process(session, runtime, item, Actor(username=actor))
    return len(pending)


def link_petitions(
    session: Session, item: GovernanceItem, petition_ids: Iterable[int], *, actor: str, now: datetime
) -> int:
    wanted = sorted(set(petition_ids))
    known = set(session.scalars(select(Petition.id).where(Petition.id.in_(wanted)))) if wanted else set()
    missing = [pid for pid in wanted if pid not in known]
    if missing:
        raise Invalid("关联的信访事项不存在", errors={"petition_ids": f"不存在：{missing[:10]}"})
    linked = set(session.scalars(select(GovernanceLink.petition_id).where(GovernanceLink.item_id == item.id)))
    events = []
    for petition_id in wanted:
        if petition_id in linked:
            continue
        session.add(GovernanceLink(item_id=item.id, petition_id=petition_id, linked_by=actor, linked_at=now))
        events.append(
            PendingEvent(
                actor=actor,
                action="governance.linked",
                business_key=petition_key(petition_id),
                data={"item_id": item.id, "public": PUBLIC_LINKED},
            )
        )
    session.flush()
    chain.append(session, events, at=now)
    return len(events)


def list_open_issues(session: Session, *, source_prefix: str) -> Sequence[GovernanceItem]:
    return session.scalars(
        select(GovernanceItem)
        .where(GovernanceItem.source.startswith(source_prefix), GovernanceItem.status.in_(OPEN_STATUSES))
        .order_by(GovernanceItem.id)
    ).all()


def list_items(
    session: Session, *, status: str | None = None, department: str | None = None, open_only: bool = False
) -> Sequence[GovernanceItem]:
    statement = select(GovernanceItem).order_by(GovernanceItem.id.desc())
    if status:
        statement = statement.where(GovernanceItem.status == status)
    if open_only:
        statement = statement.where(GovernanceItem.status.in_(OPEN_STATUSES))
    if department:
        statement = statement.where(GovernanceItem.department == department)
    return session.scalars(statement).all()


def get_item(session: Session, item_id: int) -> GovernanceItem:
    item = session.get(GovernanceItem, item_id)
    if item is None:
        raise NotFound("治理事项不存在")
    return item


@dataclass
class ItemView:
    item: GovernanceItem
    petitions: list[Petition]
    reports: list[GovernanceReport]
    tasks: list[HumanTask]
    overdue: bool


def view_item(session: Session, item_id: int, *, now: datetime) -> ItemView:
    item = get_item(session, item_id)
    petitions = list(
        session.scalars(
            select(Petition)
            .join(GovernanceLink, GovernanceLink.petition_id == Petition.id)
            .where(GovernanceLink.item_id == item.id)
            .order_by(Petition.received_at)
        )
    )
    reports = list(
        session.scalars(
            select(GovernanceReport).where(GovernanceReport.item_id == item.id).order_by(GovernanceReport.id)
        )
    )
    tasks = open_tasks(session, item.id)
    overdue = any(t.due_at is not None and t.due_at < now for t in tasks)
    return ItemView(item, petitions, reports, tasks, overdue)


def open_tasks(session: Session, item_id: int) -> list[HumanTask]:
    """The item's open tasks, oldest first."""
    return list(
        session.scalars(
            select(HumanTask)
            .where(HumanTask.business_key == business_key(item_id), HumanTask.status == TASK_OPEN)
            .order_by(HumanTask.created_at)
        )
    )


def titles_by_key(session: Session, keys: Iterable[str | None]) -> dict[str, str]:
    """The titles of the items behind these business keys (others are ignored), for task lists."""
    ids = {item_id for key in keys if (item_id := item_id_of(key)) is not None}
    if not ids:
        return {}
    rows = session.execute(select(GovernanceItem.id, GovernanceItem.title).where(GovernanceItem.id.in_(ids)))
    return {business_key(item_id): title for item_id, title in rows}


def linked_counts(session: Session, item_ids: Sequence[int]) -> dict[int, int]:
    if not item_ids:
        return {}
    rows = session.execute(
        select(GovernanceLink.item_id, func.count())
        .where(GovernanceLink.item_id.in_(item_ids))
        .group_by(GovernanceLink.item_id)
    )
    return {int(i): int(n) for i, n in rows}


def people_names(session: Session, found: Iterable[GovernanceItem]) -> dict[str, str]:
    """The display names of the items' 包抓领导 and 责任人, which are stored as usernames; a username
    with no account is left out (shown as it is)."""
    return display_names(session, {u for i in found for u in (i.leader, i.responsible_person) if u})
