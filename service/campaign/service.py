"""Starting a campaign and reading it back: its phases, leading group, screening rounds and outcomes.

A campaign is a process instance of `processes/campaign.bpmn` plus the rows in `models.py`. The
phase dates are data: they are entered when the campaign starts (the demo seeds those of the
notice) and the diagram computes each phase's deadline from them with the `CAMPAIGN_PHASE` rule.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.campaign.models import (
    Campaign,
    CampaignMember,
    CampaignPhase,
    HotIssue,
    Rectification,
    ScreeningReport,
    ScreeningRound,
    TypicalCase,
)
from service.campaign.vocabulary import PHASES, PROCESS_KEY, business_key
from service.clock import LOCAL_TZ, Clock
from service.engine.commands import Actor, StartInstance
from service.engine.runtime import Runtime
from service.errors import Forbidden, Invalid, NotFound
from service.identity.models import Department, User
from service.identity.roles import ADMIN, LEADER, OFFICE_ROLES

RUNNER_ROLES = OFFICE_ROLES | {LEADER, ADMIN}
SCREENING_HOUR = time(9, 0)


@dataclass(frozen=True)
class PhaseDates:
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class LeadingGroup:
    """领导小组: 组长 (leaders), 副组长 (deputies), member units, and the office with its director."""

    leaders: Sequence[str]
    office_director: str
    deputies: Sequence[str] = ()
    office_department: str = "office"
    members: Sequence[str] | None = None  # member units' codes; None = every active unit but the office


@dataclass(frozen=True)
class CampaignSpec:
    title: str
    phases: Mapping[str, PhaseDates]
    group: LeadingGroup
    document_no: str | None = None


def may_run_campaigns(role: str) -> bool:
    return role in RUNNER_ROLES


def start_campaign(
    session: Session, *, runtime: Runtime, clock: Clock, actor: Actor, role: str, spec: CampaignSpec
) -> Campaign:
    """Record the campaign, its phases and leading group, and start its process (all or nothing)."""
    if not may_run_campaigns(role):
        raise Forbidden("只有领导小组办公室（信访办）和校领导可以启动专项行动")
    units = _check_spec(session, spec)
    now = clock.now()
    phases = [spec.phases[key] for key in PHASES]
    campaign = Campaign(
        title=spec.title.strip(),
        document_no=(spec.document_no or "").strip() or None,
        status="running",
        office_department=spec.group.office_department,
        office_director=spec.group.office_director,
        period_start=phases[0].starts_on,
        period_end=phases[-1].ends_on,
        started_by=actor.username,
        started_at=now,
        summary={},
    )
    session.add(campaign)
    session.flush()
    for position, key in enumerate(PHASES):
        dates = spec.phases[key]
        session.add(
            CampaignPhase(
                campaign_id=campaign.id,
                key=key,
                position=position,
                starts_on=dates.starts_on,
                ends_on=dates.ends_on,
                status="pending",
                record={},
            )
        )
    _add_members(session, campaign.id, spec.group, units)
    session.flush()
    outcome = runtime.execute(
        StartInstance(
            model_key=PROCESS_KEY,
            actor=actor,
            business_key=business_key(campaign.id),
            data=process_data(campaign, spec, units),
        ),
        session=session,
    )
    campaign.process_instance_id = outcome.instance.id
    return campaign


def process_data(campaign: Campaign, spec: CampaignSpec, units: Sequence[str]) -> dict[str, Any]:
    """The variables the diagram reads: phase dates as start + days, the group, the screening cycle."""
    data: dict[str, Any] = {
        "campaign_id": campaign.id,
        "title": campaign.title,
        "office_department": spec.group.office_department,
        "office_director": spec.group.office_director,
        "departments": list(units),
        "screening_round": 0,
    }
    for key in PHASES:
        dates = spec.phases[key]
        data[f"{key}_start"] = dates.starts_on.isoformat()
        data[f"{key}_days"] = (dates.ends_on - dates.starts_on).days
    implementation = spec.phases["implementation"]
    data["screening_start"] = datetime.combine(implementation.starts_on, SCREENING_HOUR, LOCAL_TZ).isoformat()
    data["screening_rounds"] = monthly_rounds(implementation.starts_on, implementation.ends_on)
    return data


def monthly_rounds(first: date, last: date) -> int:
    """How many monthly screenings fall in [first, last]: first, first + 1 month, … (day clamped)."""
    count, day = 0, first
    while day <= last:
        count += 1
        index = first.month - 1 + count
        year, month = first.year + index // 12, index % 12 + 1
        day = date(year, month, min(first.day, monthrange(year, month)[1]))
    return count


def _check_spec(session: Session, spec: CampaignSpec) -> list[str]:
    errors: dict[str, str] = {}
    if not spec.title.strip():
        errors["title"] = "专项行动名称不能为空"
    errors.update(_phase_errors(spec.phases))
    group = spec.group
    if not group.leaders:
        errors["group.leaders"] = "至少要有一名组长"
    for path, names in (("group.leaders", group.leaders), ("group.deputies", group.deputies)):
        for username in names:
            user = _active_user(session, username)
            if user is None or user.role != LEADER:
                errors[path] = f"{username} 不是在职的校领导账号"
    if _active_user(session, group.office_director) is None:
        errors["group.office_director"] = f"没有这个用户：{group.office_director}"
    active = {d.code: d for d in session.scalars(select(Department).where(Department.active.is_(True)))}
    if group.office_department not in active:
        errors["group.office_department"] = f"未知部门：{group.office_department}"
    units = list(group.members) if group.members is not None else _default_units(active, group)
    unknown = [code for code in units if code not in active]
    if unknown:
        errors["group.members"] = f"未知部门：{'、'.join(unknown)}"
    elif not units:
        errors["group.members"] = "至少要有一个成员单位开展排查"
    if errors:
        raise Invalid("专项行动信息有误", errors=errors)
    return units


def _phase_errors(phases: Mapping[str, PhaseDates]) -> dict[str, str]:
    errors: dict[str, str] = {}
    previous: PhaseDates | None = None
    for key, name in PHASES.items():
        dates = phases.get(key)
        if dates is None:
            errors[f"phases.{key}"] = f"缺少{name}阶段的起止日期"
        elif dates.ends_on < dates.starts_on:
            errors[f"phases.{key}"] = f"{name}阶段的结束日期早于开始日期"
        elif previous is not None and dates.starts_on <= previous.ends_on:
            errors[f"phases.{key}"] = f"{name}阶段应在上一阶段结束之后开始"
        elif (dates.ends_on - dates.starts_on).days > 400:
            errors[f"phases.{key}"] = f"{name}阶段不能超过 400 天"
        previous = dates or previous
    return errors


def _default_units(active: Mapping[str, Department], group: LeadingGroup) -> list[str]:
    ordered = sorted(active.values(), key=lambda d: (d.sort_order, d.code))
    return [d.code for d in ordered if d.code != group.office_department and d.kind != "office"]


def _active_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username, User.active.is_(True)))


def _add_members(session: Session, campaign_id: int, group: LeadingGroup, units: Sequence[str]) -> None:
    names = dict(session.execute(select(User.username, User.display_name)).all())
    departments = dict(session.execute(select(Department.code, Department.name)).all())
    rows: list[tuple[str, str, str | None, str | None]] = [
        *(("leader", names.get(u, u), u, None) for u in group.leaders),
        *(("deputy", names.get(u, u), u, None) for u in group.deputies),
        (
            "office_director",
            names.get(group.office_director, group.office_director),
            group.office_director,
            group.office_department,
        ),
        *(("member", f"{departments.get(c, c)}主要负责人", None, c) for c in units),
    ]
    session.add_all(
        CampaignMember(
            campaign_id=campaign_id,
            role=role,
            name=name,
            username=username,
            department_code=code,
            position=position,
        )
        for position, (role, name, username, code) in enumerate(rows)
    )


# -- reading -----------------------------------------------------------------------------------------


@dataclass
class CampaignView:
    campaign: Campaign
    phases: list[CampaignPhase]
    members: list[CampaignMember]
    rounds: list[ScreeningRound] = field(default_factory=list)
    reports: dict[int, list[ScreeningReport]] = field(default_factory=dict)
    hot_issues: list[HotIssue] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    typical_cases: list[TypicalCase] = field(default_factory=list)


def list_campaigns(session: Session) -> Sequence[Campaign]:
    return session.scalars(select(Campaign).order_by(Campaign.period_start.desc(), Campaign.id.desc())).all()


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("专项行动不存在")
    return campaign


def view_campaign(session: Session, campaign_id: int) -> CampaignView:
    campaign = get_campaign(session, campaign_id)
    rounds = list(
        session.scalars(
            select(ScreeningRound)
            .where(ScreeningRound.campaign_id == campaign.id)
            .order_by(ScreeningRound.number)
        )
    )
    reports: dict[int, list[ScreeningReport]] = {r.id: [] for r in rounds}
    if rounds:
        for report in session.scalars(
            select(ScreeningReport)
            .where(ScreeningReport.round_id.in_(list(reports)))
            .order_by(ScreeningReport.id)
        ):
            reports[report.round_id].append(report)
    return CampaignView(
        campaign=campaign,
        phases=list(_rows(session, CampaignPhase, campaign.id, CampaignPhase.position)),
        members=list(_rows(session, CampaignMember, campaign.id, CampaignMember.position)),
        rounds=rounds,
        reports=reports,
        hot_issues=list(_rows(session, HotIssue, campaign.id, HotIssue.id)),
        rectifications=list(_rows(session, Rectification, campaign.id, Rectification.position)),
        typical_cases=list(_rows(session, TypicalCase, campaign.id, TypicalCase.id)),
    )


def _rows(session: Session, model: Any, campaign_id: int, order: Any) -> Sequence[Any]:
    return session.scalars(select(model).where(model.campaign_id == campaign_id).order_by(order)).all()


def members_with_role(session: Session, campaign_id: int, *roles: str) -> list[str]:
    return [
        username
        for username in session.scalars(
            select(CampaignMember.username)
            .where(CampaignMember.campaign_id == campaign_id, CampaignMember.role.in_(roles))
            .order_by(CampaignMember.position)
        )
        if username
    ]
