"""Timers are rows; the sweeper fires due ones through the runtime: never early, exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.clock import LOCAL_TZ
from service.engine.commands import Actor, StartInstance
from service.engine.deployment import deploy_source
from service.engine.models import TIMER_CANCELLED, TIMER_INCIDENT, TIMER_PENDING, HumanTask, Timer
from service.engine.sweeper import TimerSweeper, retry_incident
from service.identity.roles import ROLES
from tests.conftest import Harness

FIXTURES = Path(__file__).resolve().parents[1] / "processes"
ADMIN = Actor("admin")


def deploy(harness: Harness, name: str) -> None:
    with harness.db.transaction() as session:
        deploy_source(
            session,
            source=(FIXTURES / name).read_bytes(),
            filename=name,
            actor="test",
            roles=ROLES,
            now=harness.clock.now(),
        )


def start(harness: Harness, key: str, **data: object) -> str:
    outcome = harness.services.runtime.execute(StartInstance(model_key=key, actor=ADMIN, data=dict(data)))
    return outcome.instance.id


def timers(harness: Harness, instance_id: str) -> list[Timer]:
    with harness.db.session() as session:
        return list(session.scalars(select(Timer).where(Timer.instance_id == instance_id)))


def fired_events(harness: Harness, instance_id: str) -> int:
    with harness.db.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.instance_id == instance_id, AuditEvent.action == "timer.fired")
            )
            or 0
        )


def test_timer_row_carries_the_computed_deadline(harness: Harness) -> None:
    deploy(harness, "timer_probe.bpmn")
    instance = start(harness, "timer_probe", rule="SIGN", start_at="2026-03-06T10:00:00+08:00")  # a Friday
    (row,) = timers(harness, instance)
    assert row.status == TIMER_PENDING
    assert row.due_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=LOCAL_TZ)  # next working day, end of day


def test_never_early_then_exactly_once(harness: Harness) -> None:
    deploy(harness, "timer_probe.bpmn")
    instance = start(harness, "timer_probe", rule="SIGN", start_at="2026-03-06T10:00:00+08:00")
    due = timers(harness, instance)[0].due_at
    sweeper = TimerSweeper(harness.services.runtime)

    assert sweeper.sweep(as_of=due - timedelta(seconds=1)).fired == 0
    assert timers(harness, instance)[0].status == TIMER_PENDING

    assert sweeper.sweep(as_of=due).fired == 1
    assert sweeper.sweep(as_of=due + timedelta(days=1)).fired == 0
    assert fired_events(harness, instance) == 1
    with harness.db.session() as session:
        names = [
            t.element_id for t in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance))
        ]
    assert names == ["after"]


def test_a_timer_missed_during_downtime_fires_once_late(harness: Harness) -> None:
    deploy(harness, "timer_probe.bpmn")
    instances = [
        start(harness, "timer_probe", rule="SIGN", start_at="2026-03-06T10:00:00+08:00") for _ in range(3)
    ]
    result = TimerSweeper(harness.services.runtime).sweep(as_of=datetime(2026, 6, 1, tzinfo=LOCAL_TZ))
    assert result.fired == 3
    assert [fired_events(harness, i) for i in instances] == [1, 1, 1]


def test_failing_firing_backs_off_then_becomes_an_incident_that_can_be_retried(harness: Harness) -> None:
    deploy(harness, "timer_failing.bpmn")
    instance = start(harness, "timer_failing", rule="SIGN", start_at="2026-03-06T10:00:00+08:00")
    sweeper = TimerSweeper(harness.services.runtime, max_attempts=3, backoff=timedelta(minutes=1))
    moment = timers(harness, instance)[0].due_at

    first = sweeper.sweep(as_of=moment)
    assert (first.fired, first.failed, first.incidents) == (0, 1, 0)
    row = timers(harness, instance)[0]
    assert row.attempts == 1 and row.retry_at == moment + timedelta(minutes=1)
    assert "NO_SUCH_RULE" in (row.last_error or "")
    assert sweeper.sweep(as_of=moment + timedelta(seconds=30)).failed == 0  # still backing off

    sweeper.sweep(as_of=moment + timedelta(minutes=1))
    third = sweeper.sweep(as_of=moment + timedelta(minutes=3))
    assert third.incidents == 1
    assert timers(harness, instance)[0].status == TIMER_INCIDENT
    assert sweeper.sweep(as_of=moment + timedelta(days=1)).failed == 0  # incidents wait for a person

    with harness.db.transaction() as session:
        retry_incident(session, row.id, moment + timedelta(days=1))
    assert timers(harness, instance)[0].status == TIMER_PENDING
    assert fired_events(harness, instance) == 0


def test_a_monthly_cycle_fires_each_month_and_catches_up_once(harness: Harness) -> None:
    deploy(harness, "timer_cycle.bpmn")
    instance = start(harness, "timer_cycle", start_at="2026-03-31T09:00:00+08:00", ticks=0)
    sweeper = TimerSweeper(harness.services.runtime)
    assert timers(harness, instance)[0].due_at == datetime(2026, 3, 31, 9, tzinfo=LOCAL_TZ)

    assert sweeper.sweep(as_of=datetime(2026, 3, 31, 9, tzinfo=LOCAL_TZ)).fired == 1
    assert timers(harness, instance)[0].due_at == datetime(2026, 4, 30, 9, tzinfo=LOCAL_TZ)  # calendar month
    # Down from May to mid-August: one late firing, then the next future occurrence.
    assert sweeper.sweep(as_of=datetime(2026, 8, 15, tzinfo=LOCAL_TZ)).fired == 1
    assert timers(harness, instance)[0].due_at == datetime(2026, 8, 30, 9, tzinfo=LOCAL_TZ)
    assert fired_events(harness, instance) == 2


def test_completing_the_waiting_activity_cancels_its_boundary_timer(harness: Harness) -> None:
    deploy(harness, "timer_cycle.bpmn")
    instance = start(harness, "timer_cycle", start_at="2026-03-31T09:00:00+08:00", ticks=0)
    api = harness.api
    with harness.db.session() as session:
        task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance))
    assert task is not None
    response = api.post(
        f"/api/v1/tasks/{task.id}/complete", {"data": {"co_opinion": "已完成报告"}}, user="assessor"
    )
    assert response.status_code == 200, response.get_json()
    assert [t.status for t in timers(harness, instance)] == [TIMER_CANCELLED]


@pytest.mark.parametrize("as_of", [datetime(2026, 3, 9, 23, 59, 58, tzinfo=LOCAL_TZ)])
def test_firing_uses_the_sweep_moment_not_the_wall_clock(harness: Harness, as_of: datetime) -> None:
    deploy(harness, "timer_probe.bpmn")
    start(harness, "timer_probe", rule="SIGN", start_at="2026-03-06T10:00:00+08:00")
    harness.clock.set(datetime(2030, 1, 1, tzinfo=LOCAL_TZ))  # the wall clock is far ahead
    assert TimerSweeper(harness.services.runtime).sweep(as_of=as_of).fired == 0


def test_a_provisional_timer_is_recomputed_after_the_year_is_imported_never_earlier(harness: Harness) -> None:
    from service.engine.holiday_import import import_year, parse_arrangement
    from service.engine.provisional import recompute_provisional_timers

    deploy(harness, "timer_probe.bpmn")
    # 60 days from 2026-12-15 lands in 2027, a year the calendar package has no data for.
    instance = start(harness, "timer_probe", rule="D5", start_at="2026-12-15T10:00:00+08:00")
    (row,) = timers(harness, instance)
    assert (row.deadline_rule, row.provisional) == ("D5", True)
    assert row.due_at == datetime(2027, 2, 15, 23, 59, 59, tzinfo=LOCAL_TZ)  # weekends only: Mon 02-15
    arrangement = parse_arrangement(
        {
            "year": 2027,
            "papers": [],
            "days": [
                {"name": "春节", "date": "2027-02-15", "isOffDay": True},
                {"name": "春节", "date": "2027-02-16", "isOffDay": True},
            ],
        }
    )
    with harness.db.transaction() as session:
        import_year(
            session,
            arrangement,
            rules_path=harness.services.calendar.rules_path,
            actor="admin",
            now=harness.clock.now(),
        )
    harness.services.calendar.invalidate()
    assert recompute_provisional_timers(harness.services.runtime, actor=ADMIN) == 1
    (row,) = timers(harness, instance)
    assert (row.provisional, row.due_at) == (False, datetime(2027, 2, 17, 23, 59, 59, tzinfo=LOCAL_TZ))
    sweeper = TimerSweeper(harness.services.runtime)
    assert (
        sweeper.sweep(as_of=datetime(2027, 2, 16, 12, tzinfo=LOCAL_TZ)).fired == 0
    )  # the old date is no longer due
    assert sweeper.sweep(as_of=datetime(2027, 2, 18, tzinfo=LOCAL_TZ)).fired == 1
    assert recompute_provisional_timers(harness.services.runtime, actor=ADMIN) == 0


def test_timers_and_incidents_are_listed_for_administrators_and_retryable(harness: Harness) -> None:
    deploy(harness, "timer_failing.bpmn")
    instance = start(harness, "timer_failing", rule="SIGN", start_at="2026-03-06T10:00:00+08:00")
    api = harness.api
    pending = api.get("/api/v1/timers?status=pending", user="admin").get_json()["items"]
    assert [t["instance_id"] for t in pending] == [instance]
    assert api.get("/api/v1/timers", user="logistics_handler").status_code == 403
    moment = timers(harness, instance)[0].due_at
    sweeper = TimerSweeper(harness.services.runtime, max_attempts=1)
    assert sweeper.sweep(as_of=moment).incidents == 1
    (incident,) = api.get("/api/v1/incidents", user="auditor").get_json()["items"]
    assert incident["status"] == "incident" and "NO_SUCH_RULE" in incident["last_error"]
    assert api.post(f"/api/v1/incidents/{incident['id']}/retry", user="auditor").status_code == 403
    retried = api.post(f"/api/v1/incidents/{incident['id']}/retry", user="admin")
    assert retried.status_code == 200 and retried.get_json()["status"] == "pending"
    assert api.get("/api/v1/incidents", user="admin").get_json()["items"] == []
    assert api.post(f"/api/v1/incidents/{incident['id']}/retry", user="admin").status_code == 404


def test_the_last_repetition_of_a_bounded_cycle_counts_as_fired(harness: Harness) -> None:
    deploy(harness, "timer_cycle_bounded.bpmn")
    instance = start(harness, "timer_cycle_bounded", start_at="2026-03-31T09:00:00+08:00", ticks=0)
    sweeper = TimerSweeper(harness.services.runtime)
    assert sweeper.sweep(as_of=datetime(2026, 3, 31, 9, tzinfo=LOCAL_TZ)).fired == 1
    assert sweeper.sweep(as_of=datetime(2026, 4, 30, 9, tzinfo=LOCAL_TZ)).fired == 1  # the second and last
    assert sweeper.sweep(as_of=datetime(2026, 7, 1, tzinfo=LOCAL_TZ)).fired == 0
    (row,) = timers(harness, instance)
    assert (row.status, row.fired_count) == ("fired", 2)
    assert fired_events(harness, instance) == 2
