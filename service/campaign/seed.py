"""The demo's campaign: the leading group and the four phases of 西交院校发〔2024〕66号.

Seeded only into a freshly seeded demo database (see `petitionflow init`). The notice gives the
phases as 即日起—4月中旬, 2024年4月下旬, 2024年5月—12月中旬 and 12月下旬; read as dates (中旬 ends on
the 20th, 下旬 on the month's last day) and starting on the notice's date, 2024-04-19:

    制定方案 2024-04-19 – 2024-04-20    动员部署 2024-04-21 – 2024-04-30
    推进实施 2024-05-01 – 2024-12-20    总结整改 2024-12-21 – 2024-12-31

The demo runs the campaign as if the notice had been issued on the day the database is seeded:
the same phases and lengths, moved to start that day, so a new user sees a campaign in its first
phase rather than one whose every phase ran out years ago.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.campaign.models import Campaign
from service.campaign.service import CampaignSpec, LeadingGroup, PhaseDates, start_campaign
from service.clock import LOCAL_TZ, Clock
from service.engine.commands import Actor
from service.engine.runtime import Runtime
from service.identity.models import User
from service.identity.roles import LEADER
from service.identity.service import create_user

NOTICE_TITLE = "信访问题源头治理专项行动"
NOTICE_NUMBER = "西交院校发〔2024〕66号"
# 组长, then 副组长, in the notice's order; 赵征 also directs the leading group's office (党政办).
GROUP_LEADERS = (("leader_cao", "曹庆年"), ("leader_li", "李萍"))
GROUP_DEPUTIES = (
    ("leader_wu", "吴伟"),
    ("leader_shi", "石广田"),
    ("leader_zhang", "张学堂"),
    ("leader_xu", "徐炜"),
    ("leader_zhao", "赵征"),
    ("leader_liu", "刘建华"),
    ("leader_pan", "潘春辉"),
)
OFFICE_DIRECTOR = "leader_zhao"
NOTICE_PHASES = {
    "plan": PhaseDates(date(2024, 4, 19), date(2024, 4, 20)),
    "mobilisation": PhaseDates(date(2024, 4, 21), date(2024, 4, 30)),
    "implementation": PhaseDates(date(2024, 5, 1), date(2024, 12, 20)),
    "summary": PhaseDates(date(2024, 12, 21), date(2024, 12, 31)),
}


def seed_school_leaders(session: Session, *, password: str, clock: Clock) -> int:
    """The leading group's school leaders as users (role 校领导); existing usernames are left alone."""
    added = 0
    for username, name in (*GROUP_LEADERS, *GROUP_DEPUTIES):
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(
                session,
                username=username,
                role=LEADER,
                password=password,
                display_name=name,
                actor="seed",
                now=clock.now(),
            )
            added += 1
    return added


def notice_spec(starting: date | None = None) -> CampaignSpec:
    """The notice's campaign; with `starting`, its phases moved to begin on that day."""
    shift = starting - NOTICE_PHASES["plan"].starts_on if starting else timedelta(0)
    return CampaignSpec(
        title=NOTICE_TITLE,
        document_no=NOTICE_NUMBER,
        phases={
            key: PhaseDates(phase.starts_on + shift, phase.ends_on + shift)
            for key, phase in NOTICE_PHASES.items()
        },
        group=LeadingGroup(
            leaders=[u for u, _ in GROUP_LEADERS],
            deputies=[u for u, _ in GROUP_DEPUTIES],
            office_department="office",
            office_director=OFFICE_DIRECTOR,
        ),
    )


def seed_notice_campaign(session: Session, *, runtime: Runtime, clock: Clock) -> Campaign | None:
    """Start the notice's campaign unless a campaign exists already."""
    if session.scalar(select(func.count()).select_from(Campaign)):
        return None
    today = clock.now().astimezone(LOCAL_TZ).date()
    return start_campaign(
        session,
        runtime=runtime,
        clock=clock,
        actor=Actor.system("seed"),
        role="admin",
        spec=notice_spec(starting=today),
    )
