"""Campaign fixtures: the notice's school leaders as users, and a campaign dated around the test clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from service.campaign.seed import GROUP_DEPUTIES, GROUP_LEADERS
from service.campaign.service import CampaignSpec, LeadingGroup, PhaseDates
from service.identity.models import User
from service.identity.service import hash_password
from tests.conftest import Harness

_HASH: list[str] = []


def add_leaders(harness: Harness) -> None:
    """The leading group's leaders as users (one password hash for all: the KDF is slow on purpose)."""
    if not _HASH:
        _HASH.append(hash_password("demo"))
    with harness.db.transaction() as session:
        for username, name in (*GROUP_LEADERS, *GROUP_DEPUTIES):
            if session.scalar(select(User.id).where(User.username == username)) is None:
                session.add(
                    User(
                        username=username,
                        display_name=name,
                        role="leader",
                        password_hash=_HASH[0],
                        active=True,
                        token_generation=0,
                        created_at=harness.clock.now(),
                    )
                )


@pytest.fixture
def leaders(harness: Harness) -> Harness:
    add_leaders(harness)
    return harness


@pytest.fixture
def any_leaders(any_harness: Harness) -> Harness:
    """The same, on SQLite and on PostgreSQL."""
    add_leaders(any_harness)
    return any_harness


# Around the test clock (Monday 2026-03-02): each phase ends on a working day.
PHASES = {
    "plan": PhaseDates(date(2026, 3, 2), date(2026, 3, 6)),
    "mobilisation": PhaseDates(date(2026, 3, 9), date(2026, 3, 13)),
    "implementation": PhaseDates(date(2026, 3, 16), date(2026, 5, 15)),
    "summary": PhaseDates(date(2026, 5, 18), date(2026, 5, 29)),
}


def spec(**overrides: object) -> CampaignSpec:
    values: dict[str, object] = {
        "title": "信访问题源头治理专项行动（测试）",
        "document_no": "测试〔2026〕1号",
        "phases": PHASES,
        "group": LeadingGroup(
            leaders=["leader_cao", "leader_li"],
            deputies=["leader_wu", "leader_zhao"],
            office_department="office",
            office_director="leader_zhao",
            members=["logistics", "academic"],
        ),
    }
    values.update(overrides)
    return CampaignSpec(**values)  # type: ignore[arg-type]
