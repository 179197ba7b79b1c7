"""The demo's campaign runs live: the notice's phases, moved to start on the day of seeding."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service.campaign.models import CampaignPhase
from service.campaign.seed import NOTICE_PHASES, seed_notice_campaign
from service.engine.models import TASK_OPEN, HumanTask
from tests.conftest import Harness


def test_the_demo_campaign_starts_on_the_day_it_is_seeded(leaders: Harness) -> None:
    harness = leaders
    with harness.db.transaction() as session:
        assert (
            seed_notice_campaign(session, runtime=harness.services.runtime, clock=harness.clock) is not None
        )
    with harness.db.session() as session:
        phases = {p.key: p for p in session.scalars(select(CampaignPhase))}
        open_tasks = session.scalars(select(HumanTask).where(HumanTask.status == TASK_OPEN)).all()
    today = date(2026, 3, 2)  # the test clock
    assert phases["plan"].starts_on == today
    for key, notice in NOTICE_PHASES.items():  # the notice's lengths and gaps, kept
        assert phases[key].ends_on - phases[key].starts_on == notice.ends_on - notice.starts_on
        assert phases[key].starts_on - today == notice.starts_on - NOTICE_PHASES["plan"].starts_on
    assert open_tasks and all(t.due_at is None or t.due_at > harness.clock.now() for t in open_tasks)
