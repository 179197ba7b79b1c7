"""The campaign's four phases with an injected clock: phase timers, the monthly screening cycle,
reports, hot issues, the summary and the leading group's part in each task."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.campaign import service as campaigns
from service.campaign.dashboard import build_dashboard
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
from service.clock import LOCAL_TZ
from service.engine.commands import Actor, CompleteTask
from service.engine.models import DeadlineRecord, HumanTask, ProcessInstance, Timer
from service.engine.sweeper import TimerSweeper
from service.errors import Forbidden, Invalid
from service.governance.models import GovernanceItem
from tests.campaign.conftest import spec
from tests.conftest import Harness, petition_body

OFFICE = Actor("assessor", frozenset({"assessor", "assessor@office"}))
CAO = Actor("leader_cao", frozenset({"leader"}))
ZHAO = Actor("leader_zhao", frozenset({"leader"}))
HEADS = Actor("heads", frozenset({"head@logistics", "head@academic"}))


def start(harness: Harness, **overrides: Any) -> int:
    with harness.db.transaction() as session:
        campaign = campaigns.start_campaign(
            session,
            runtime=harness.services.runtime,
            clock=harness.clock,
            actor=OFFICE,
            role="assessor",
            spec=spec(**overrides),
        )
        return campaign.id


def open_tasks(harness: Harness, campaign_id: int, element: str) -> list[HumanTask]:
    with harness.db.session() as session:
        return list(
            session.scalars(
                select(HumanTask)
                .where(
                    HumanTask.business_key == f"campaign:{campaign_id}",
                    HumanTask.element_id == element,
                    HumanTask.status == "open",
                )
                .order_by(HumanTask.candidate_group)
            )
        )


def complete(harness: Harness, campaign_id: int, element: str, actor: Actor, **data: Any) -> None:
    (task,) = open_tasks(harness, campaign_id, element)
    harness.services.runtime.execute(CompleteTask(task.id, actor, data))


def phases(harness: Harness, campaign_id: int) -> dict[str, CampaignPhase]:
    with harness.db.session() as session:
        rows = session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign_id))
        return {p.key: p for p in rows}


def events(harness: Harness, action: str) -> list[AuditEvent]:
    with harness.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_TZ)  # type: ignore[misc]


def sweep_at(harness: Harness, moment: datetime) -> int:
    """Move the clock to `moment` and fire what is due then (as the periodic job would)."""
    harness.clock.set(moment)
    return TimerSweeper(harness.services.runtime).sweep().fired


def through_mobilisation(harness: Harness, campaign_id: int) -> None:
    complete(
        harness,
        campaign_id,
        "draft_plan",
        OFFICE,
        plan_title="实施方案",
        plan_content="目标任务与分工",
        plan_approver="leader_cao",
    )
    complete(harness, campaign_id, "approve_plan", CAO, plan_decision="approve")
    complete(
        harness,
        campaign_id,
        "record_mobilisation",
        OFFICE,
        meeting_date="2026-03-10",
        presided_by="leader_li",
        mobilisation_summary="部署四项任务",
    )


def test_start_records_phases_group_and_the_first_deadline(leaders: Harness) -> None:
    campaign_id = start(leaders)
    got = phases(leaders, campaign_id)
    assert [got[k].status for k in ("plan", "mobilisation", "implementation", "summary")] == [
        "active",
        "pending",
        "pending",
        "pending",
    ]
    (draft,) = open_tasks(leaders, campaign_id, "draft_plan")
    assert draft.candidate_group == "assessor@office"
    assert draft.due_at == local(2026, 3, 6, 23, 59, 59)  # the plan phase's last day, end of day
    with leaders.db.session() as session:
        record = session.scalar(select(DeadlineRecord).where(DeadlineRecord.task_id == draft.id))
        members = session.scalars(
            select(CampaignMember)
            .where(CampaignMember.campaign_id == campaign_id)
            .order_by(CampaignMember.position)
        ).all()
        timer = session.scalar(select(Timer).where(Timer.element_id == "plan_overdue"))
        instance = session.scalar(
            select(ProcessInstance).where(ProcessInstance.business_key == f"campaign:{campaign_id}")
        )
    assert record is not None and (record.rule, record.count) == ("CAMPAIGN_PHASE", 4)
    assert [(m.role, m.username or m.department_code) for m in members] == [
        ("leader", "leader_cao"),
        ("leader", "leader_li"),
        ("deputy", "leader_wu"),
        ("deputy", "leader_zhao"),
        ("office_director", "leader_zhao"),
        ("member", "logistics"),
        ("member", "academic"),
    ]
    assert timer is not None and timer.due_at == draft.due_at
    assert instance is not None and instance.business_status == "plan"


def test_phase_tasks_are_marked_for_supervision(leaders: Harness) -> None:
    campaign_id = start(leaders)
    with leaders.db.session() as session:
        instance = session.scalar(
            select(ProcessInstance).where(ProcessInstance.business_key == f"campaign:{campaign_id}")
        )
        assert instance is not None
        elements = leaders.services.runtime.versions.get(session, instance.version_id).elements
    supervised = sorted(
        e for e, info in elements.items() if info.get("properties", {}).get("overdue") == "supervise"
    )
    assert supervised == sorted(
        [
            "draft_plan",
            "approve_plan",
            "record_mobilisation",
            "implementation",
            "screening_report",
            "screening_review",
            "summary_report",
            "approve_summary",
        ]
    )


def test_the_phase_deadline_timer_never_fires_early_and_marks_the_phase_overdue(leaders: Harness) -> None:
    campaign_id = start(leaders)
    due = local(2026, 3, 6, 23, 59, 59)
    assert sweep_at(leaders, due - timedelta(seconds=1)) == 0
    assert phases(leaders, campaign_id)["plan"].overdue_at is None
    assert sweep_at(leaders, due) == 1
    assert phases(leaders, campaign_id)["plan"].overdue_at == due
    (event,) = events(leaders, "campaign.phase_overdue")
    assert event.data["phase"] == "plan"
    assert open_tasks(leaders, campaign_id, "draft_plan")  # still the office's to do, now late
    assert sweep_at(leaders, due + timedelta(days=3)) == 0  # once only


def test_a_late_phase_is_supervised_even_when_it_is_finished_before_the_supervisor_acts(
    leaders: Harness,
) -> None:
    campaign_id = start(leaders)
    sweep_at(leaders, local(2026, 3, 7, 9))
    (order,) = open_tasks(leaders, campaign_id, "supervise_plan")
    assert order.candidate_group == "supervisor@office"
    assert order.due_at == local(2026, 3, 10, 23, 59, 59)  # two working days after the Saturday it fired
    complete(
        leaders,
        campaign_id,
        "draft_plan",
        OFFICE,
        plan_title="实施方案",
        plan_content="要点",
        plan_approver="leader_cao",
    )
    complete(leaders, campaign_id, "approve_plan", CAO, plan_decision="approve")
    got = phases(leaders, campaign_id)["plan"]
    assert (got.status, got.overdue_at is not None) == ("completed", True)
    assert open_tasks(leaders, campaign_id, "supervise_plan")  # lateness is still answered for
    supervisor = Actor("supervisor", frozenset({"supervisor@office"}))
    leaders.services.runtime.execute(
        CompleteTask(
            order.id,
            supervisor,
            {"supervision_level": "general", "requirements": "方案逾期两日报批，予以通报并说明原因"},
        )
    )
    assert phases(leaders, campaign_id)["plan"].record["supervision"]["supervision_level"] == "general"
    (event,) = events(leaders, "campaign.phase_supervised")
    assert event.data["phase"] == "plan" and event.actor == "supervisor"


def test_the_plan_goes_to_a_leader_of_the_group_and_comes_back_for_revision(leaders: Harness) -> None:
    campaign_id = start(leaders)
    (draft,) = open_tasks(leaders, campaign_id, "draft_plan")
    runtime = leaders.services.runtime
    with pytest.raises(Invalid) as refused:
        runtime.execute(
            CompleteTask(
                draft.id, OFFICE, {"plan_title": "方案", "plan_content": "要点", "plan_approver": "leader_wu"}
            )
        )
    assert "plan_approver" in refused.value.errors  # a deputy does not approve the plan
    complete(
        leaders,
        campaign_id,
        "draft_plan",
        OFFICE,
        plan_title="方案",
        plan_content="要点",
        plan_approver="leader_li",
    )
    (approval,) = open_tasks(leaders, campaign_id, "approve_plan")
    assert approval.assignee == "leader_li"
    with pytest.raises(Forbidden):  # assigned to 李萍 by name: not the other leader's business
        runtime.execute(CompleteTask(approval.id, CAO, {"plan_decision": "approve"}))
    runtime.execute(
        CompleteTask(approval.id, Actor("leader_li"), {"plan_decision": "revise", "plan_opinion": "补充分工"})
    )
    assert open_tasks(leaders, campaign_id, "draft_plan")
    assert phases(leaders, campaign_id)["plan"].record["approval"]["plan_decision"] == "revise"


def test_the_monthly_cycle_opens_one_round_a_month_with_a_task_per_department(any_leaders: Harness) -> None:
    campaign_id = start(any_leaders)
    through_mobilisation(any_leaders, campaign_id)
    got = phases(any_leaders, campaign_id)
    assert (got["plan"].status, got["mobilisation"].status, got["implementation"].status) == (
        "completed",
        "completed",
        "active",
    )
    first = local(2026, 3, 16, 9)
    assert sweep_at(any_leaders, first - timedelta(minutes=1)) == 0
    assert sweep_at(any_leaders, first) == 1
    reports = open_tasks(any_leaders, campaign_id, "screening_report")
    assert [t.candidate_group for t in reports] == ["head@academic", "head@logistics"]
    assert all(t.due_at == local(2026, 3, 23, 23, 59, 59) for t in reports)  # 5 working days

    with pytest.raises(Invalid) as refused:  # resolved cannot exceed found
        any_leaders.services.runtime.execute(
            CompleteTask(
                reports[0].id, HEADS, {"disputes_found": 1, "disputes_resolved": 2, "report_text": "本月情况"}
            )
        )
    assert "disputes_resolved" in refused.value.errors
    for task in reports:
        any_leaders.services.runtime.execute(
            CompleteTask(
                task.id,
                HEADS,
                {
                    "disputes_found": 3,
                    "disputes_resolved": 2,
                    "report_text": "本月排查情况",
                    "hot_issue_candidates": "食堂价格",
                },
            )
        )

    sweep_at(any_leaders, local(2026, 4, 16, 9))  # the second (last) month
    with any_leaders.db.session() as session:
        rounds = session.scalars(
            select(ScreeningRound)
            .where(ScreeningRound.campaign_id == campaign_id)
            .order_by(ScreeningRound.number)
        ).all()
        submitted = session.scalars(
            select(ScreeningReport).where(
                ScreeningReport.round_id == rounds[0].id, ScreeningReport.status == "submitted"
            )
        ).all()
    assert [(r.number, r.status) for r in rounds] == [(1, "reviewing"), (2, "collecting")]
    assert sorted(r.department_code for r in submitted) == ["academic", "logistics"]
    assert {r.disputes_found for r in submitted} == {3}
    assert len(open_tasks(any_leaders, campaign_id, "screening_report")) == 2
    # Two rounds were planned (03-16, 04-16): no third one in May.
    sweep_at(any_leaders, local(2026, 5, 16, 9))
    with any_leaders.db.session() as session:
        count = session.scalar(
            select(func.count()).select_from(ScreeningRound).where(ScreeningRound.campaign_id == campaign_id)
        )
    assert count == 2


def test_hot_issues_become_items_and_the_phase_closes_only_when_screening_is_done(leaders: Harness) -> None:
    campaign_id = start(leaders)
    through_mobilisation(leaders, campaign_id)
    sweep_at(leaders, local(2026, 3, 16, 9))
    runtime = leaders.services.runtime
    (confirm,) = open_tasks(leaders, campaign_id, "implementation")
    assert confirm.assignee == "leader_zhao"  # the office's director
    with pytest.raises(Invalid) as refused:
        runtime.execute(CompleteTask(confirm.id, ZHAO, {"implementation_summary": "小结", "confirmed": True}))
    assert "月度排查任务未完成" in refused.value.errors["confirmed"]

    for task in open_tasks(leaders, campaign_id, "screening_report"):
        runtime.execute(
            CompleteTask(
                task.id, HEADS, {"disputes_found": 0, "disputes_resolved": 0, "report_text": "无新情况"}
            )
        )
    (review,) = open_tasks(leaders, campaign_id, "screening_review")
    with pytest.raises(Invalid) as bad:
        runtime.execute(
            CompleteTask(review.id, OFFICE, {"review_summary": "研判", "hot_issues": "食堂涨价；不存在的处"})
        )
    assert "第1行" in bad.value.errors["hot_issues"]
    runtime.execute(
        CompleteTask(
            review.id,
            OFFICE,
            {
                "review_summary": "两项热点",
                "hot_issues": "1. 二食堂饭菜涨价；后勤处；吴伟\n2. 补考安排不透明；academic",
            },
        )
    )
    with leaders.db.session() as session:
        issues = session.scalars(
            select(HotIssue).where(HotIssue.campaign_id == campaign_id).order_by(HotIssue.id)
        ).all()
    assert [(i.title, i.department_code, i.leader_username) for i in issues] == [
        ("二食堂饭菜涨价", "logistics", "leader_wu"),
        ("补考安排不透明", "academic", None),
    ]
    assert len(events(leaders, "campaign.hot_issue_raised")) == 2
    with leaders.db.session() as session:  # each became a governance item, its process started
        items = session.scalars(select(GovernanceItem).order_by(GovernanceItem.id)).all()
        board = build_dashboard(session, campaign_id, now=leaders.clock.now())
    assert [str(i.id) for i in items] == [i.governance_item_id for i in issues]
    assert [(i.source, i.department, i.leader, str(i.due_on)) for i in items] == [
        (f"campaign:{campaign_id}:round:1", "logistics", "leader_wu", "2026-05-15"),
        (f"campaign:{campaign_id}:round:1", "academic", None, "2026-05-15"),
    ]
    assert all(i.process_instance_id for i in items)
    assert [g.title for g in board.governance_items] == ["二食堂饭菜涨价", "补考安排不透明"]
    complete(leaders, campaign_id, "implementation", ZHAO, implementation_summary="完成", confirmed=True)
    assert phases(leaders, campaign_id)["implementation"].status == "completed"
    assert open_tasks(leaders, campaign_id, "summary_report")
    with leaders.db.session() as session:  # the April round will not come: the cycle ended with its phase
        cycle = session.scalar(
            select(Timer).where(
                Timer.business_key == f"campaign:{campaign_id}", Timer.element_id == "monthly_screening"
            )
        )
    assert cycle is not None and cycle.status == "cancelled"
    assert sweep_at(leaders, local(2026, 4, 16, 9)) == 0


def test_summary_freezes_metrics_rectifications_and_typical_cases(any_leaders: Harness) -> None:
    api = any_leaders.api
    petition = api.register(petition_body(received_at="2026-03-02T08:30:00+08:00"))
    api.complete(
        petition["id"],
        "screening",
        "assessor",
        decision="not_accept",
        reason="已进入诉讼程序",
        route="人民法院",
    )
    campaign_id = start(any_leaders)
    through_mobilisation(any_leaders, campaign_id)
    complete(any_leaders, campaign_id, "implementation", ZHAO, implementation_summary="完成", confirmed=True)
    runtime = any_leaders.services.runtime
    (summary,) = open_tasks(any_leaders, campaign_id, "summary_report")
    with pytest.raises(Invalid) as bad:
        runtime.execute(
            CompleteTask(summary.id, OFFICE, {"summary_text": "总结", "rectification_list": "只有问题"})
        )
    assert "第1行" in bad.value.errors["rectification_list"]
    runtime.execute(
        CompleteTask(
            summary.id,
            OFFICE,
            {
                "summary_text": "专项行动总结",
                "mechanisms": "矛盾纠纷月度排查制度",
                "rectification_list": "回复不及时；建立催办台账；后勤处；2026-06-30\n渠道不畅；开通网上信访",
                "typical_cases": [str(petition["id"])],
            },
        )
    )
    complete(any_leaders, campaign_id, "approve_summary", CAO, summary_decision="approve")
    with any_leaders.db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        fixes = session.scalars(
            select(Rectification)
            .where(Rectification.campaign_id == campaign_id)
            .order_by(Rectification.position)
        ).all()
        cases = session.scalars(select(TypicalCase).where(TypicalCase.campaign_id == campaign_id)).all()
    assert campaign is not None and campaign.status == "completed"
    assert campaign.summary["text"] == "专项行动总结"
    metrics = campaign.summary["metrics"]  # the governance metrics of the campaign period
    assert metrics["registered"] == 1 and metrics["source"] == "governance"
    assert [(f.problem, f.department_code, str(f.due_on)) for f in fixes] == [
        ("回复不及时", "logistics", "2026-06-30"),
        ("渠道不畅", None, "None"),
    ]
    assert [c.petition_id for c in cases] == [petition["id"]]
    assert phases(any_leaders, campaign_id)["summary"].status == "completed"
    assert events(any_leaders, "campaign.ended")[0].data["status"] == "completed"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        (
            {
                "phases": {
                    **spec().phases,
                    "mobilisation": campaigns.PhaseDates(
                        spec().phases["plan"].ends_on, spec().phases["mobilisation"].ends_on
                    ),
                }
            },
            "phases.mobilisation",
        ),
    ],
)
def test_a_bad_campaign_is_refused_with_the_field_at_fault(
    leaders: Harness, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        start(leaders, **changes)
    assert field in refused.value.errors
    with leaders.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_only_school_leaders_lead_the_group_and_only_the_office_or_leaders_start(leaders: Harness) -> None:
    group = spec().group
    with pytest.raises(Invalid) as refused:
        start(
            leaders,
            group=campaigns.LeadingGroup(
                leaders=["assessor"], office_director="leader_zhao", members=group.members
            ),
        )
    assert "group.leaders" in refused.value.errors
    with leaders.db.transaction() as session, pytest.raises(Forbidden):
        campaigns.start_campaign(
            session,
            runtime=leaders.services.runtime,
            clock=leaders.clock,
            actor=Actor("logistics_handler"),
            role="handler",
            spec=spec(),
        )


def test_monthly_rounds_count_the_months_of_the_phase() -> None:
    from datetime import date

    assert campaigns.monthly_rounds(date(2024, 5, 1), date(2024, 12, 20)) == 8
    assert campaigns.monthly_rounds(date(2026, 1, 31), date(2026, 3, 30)) == 2  # 01-31, 02-28; not 03-31
    assert campaigns.monthly_rounds(date(2026, 3, 16), date(2026, 3, 16)) == 1
