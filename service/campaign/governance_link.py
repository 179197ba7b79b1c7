"""What the campaign takes from the governance domain (源头治理), in one place.

* A hot issue named in a screening review becomes a governance item (集中共性问题) with its
  department, 包抓领导 and a 解决时限 (the end of the implementation phase); its source is
  ``campaign:<id>:round:<n>``, so the campaign can list the items it raised.
* The dashboard shows the campaign's items that are still open.
* The summary freezes the governance metrics (DOMAIN.md §10) of the campaign period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.campaign.vocabulary import business_key
from service.governance import metrics as governance_metrics
from service.governance import service as governance
from service.governance.models import GovernanceItem


def source_of(campaign_id: int, round_number: int | None) -> str:
    return f"{business_key(campaign_id)}:round:{round_number or 0}"


def create_item(
    session: Session,
    *,
    campaign_id: int,
    round_number: int | None,
    title: str,
    department: str,
    leader: str | None,
    due_on: date | None,
    actor: str,
    now: datetime,
) -> str:
    """The new governance item's id (its process starts at the end of the same command)."""
    item = governance.create_issue(
        session,
        title=title,
        department=department,
        leader=leader,
        due_on=due_on,
        source=source_of(campaign_id, round_number),
        actor=actor,
        now=now,
    )
    return str(item.id)


def open_items(session: Session, campaign_id: int) -> Sequence[GovernanceItem]:
    return governance.list_open_issues(session, source_prefix=f"{business_key(campaign_id)}:")


def period_metrics(session: Session, *, since: datetime, until: datetime) -> Mapping[str, Any]:
    return governance_metrics.compute(session, since=since, until=until)
