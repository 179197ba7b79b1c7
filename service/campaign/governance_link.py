"""What the campaign needs from the governance domain (源头治理, issue 6), in one place.

The campaign turns hot issues into governance items, shows the open ones on its dashboard and
freezes the metrics of its period into the summary. It calls these functions of the governance
domain when they exist:

* ``service.governance.service.create_issue(session, *, title, department, leader, due_on, source,
  actor, now)`` → an object with ``id``;
* ``service.governance.service.list_open_issues(session, *, source_prefix)`` → objects with ``id``,
  ``title``, ``department``, ``leader``, ``status`` and ``due_on``;
* ``service.governance.metrics.compute(session, *, since, until)`` → a mapping of metric → value.

Until they are there, a hot issue stays on the campaign (``governance_item_id`` empty, shown as
"待转治理事项"), the dashboard lists the campaign's own hot issues, and the metrics are the basic
counts in ``metrics.py``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from service.campaign import metrics as basic_metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GovernanceItem:
    id: str
    title: str
    department: str | None
    leader: str | None
    status: str
    due_on: date | None


def _function(module_name: str, name: str) -> Callable[..., Any] | None:
    try:
        module: ModuleType = importlib.import_module(module_name)
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if callable(found) else None


def available() -> bool:
    return _function("service.governance.service", "create_issue") is not None


def create_item(
    session: Session,
    *,
    title: str,
    department: str,
    leader: str | None,
    due_on: date | None,
    source: str,
    actor: str,
    now: datetime,
) -> str | None:
    """The new governance item's id, or None while the governance domain cannot take it."""
    create = _function("service.governance.service", "create_issue")
    if create is None:
        return None
    item = create(
        session,
        title=title,
        department=department,
        leader=leader,
        due_on=due_on,
        source=source,
        actor=actor,
        now=now,
    )
    return str(item.id)


def open_items(session: Session, *, source_prefix: str) -> list[GovernanceItem] | None:
    """Open governance items raised by this campaign, or None while governance cannot list them."""
    list_open = _function("service.governance.service", "list_open_issues")
    if list_open is None:
        return None
    return [
        GovernanceItem(
            id=str(item.id),
            title=str(item.title),
            department=getattr(item, "department", None),
            leader=getattr(item, "leader", None),
            status=str(getattr(item, "status", "")),
            due_on=getattr(item, "due_on", None),
        )
        for item in list_open(session, source_prefix=source_prefix)
    ]


def period_metrics(session: Session, *, since: datetime, until: datetime) -> Mapping[str, Any]:
    compute = _function("service.governance.metrics", "compute")
    if compute is None:
        return basic_metrics.compute(session, since=since, until=until)
    result: Mapping[str, Any] = compute(session, since=since, until=until)
    return result
