"""A visit goes to the day's duty leader; 领导包案 names a school leader on the case until it closes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.errors import Conflict, Forbidden, Invalid
from service.reception import roster
from service.reception import service as ownership
from service.reception.service import Caller
from tests.conftest import Harness, petition_body

OFFICE = roster.Editor("assessor", "assessor")


def put_on_duty(harness: Harness, day: date, leader: str) -> None:
    with harness.db.transaction() as session:
        roster.assign_day(session, editor=OFFICE, day=day, leader=leader, note=None, now=harness.clock.now())


def leader_of(harness: Harness, petition_id: int) -> str | None:
    with harness.db.session() as session:
        return ownership.case_leader_of(session, petition_id)


def take(harness: Harness, petition_id: int, caller: Caller, leader: str | None = None) -> None:
    with harness.db.transaction() as session:
        ownership.take_case(
            session, caller=caller, petition_id=petition_id, leader=leader, now=harness.clock.now()
        )


def actions(harness: Harness, petition_id: int) -> list[str]:
    with harness.db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.business_key == f"petition:{petition_id}", AuditEvent.action.like("case.%"))
                .order_by(AuditEvent.id)
            )
        )


def test_a_visit_goes_to_the_leader_on_duty_the_day_it_was_received(leaders: Harness) -> None:
    put_on_duty(leaders, date(2026, 3, 2), "leader_li")
    put_on_duty(leaders, date(2026, 2, 27), "leader_wu")
    today = leaders.api.register(petition_body(channel="visit"))
    earlier = leaders.api.register(
        petition_body(channel="reception", received_at="2026-02-27T16:00:00+08:00")
    )
    letter = leaders.api.register(petition_body(channel="letter"))
    assert leader_of(leaders, today["id"]) == "leader_li"
    assert leader_of(leaders, earlier["id"]) == "leader_wu"
    assert leader_of(leaders, letter["id"]) is None
    assert leaders.api.petition(today["id"])["case_leader"] == "leader_li"
    assert actions(leaders, today["id"]) == ["case.owned"]


def test_a_visit_on_a_day_nobody_is_on_duty_is_flagged(leaders: Harness) -> None:
    visit = leaders.api.register(petition_body(channel="visit"))
    assert leader_of(leaders, visit["id"]) is None
    assert actions(leaders, visit["id"]) == ["case.no_duty_leader"]


def test_only_a_school_leader_takes_a_case_and_it_shows_in_their_list(leaders: Harness) -> None:
    pid = leaders.api.register(petition_body())["id"]
    with pytest.raises(Forbidden):
        take(leaders, pid, Caller("logistics_handler", "handler"))
    with pytest.raises(Forbidden):  # a leader takes for themself only
        take(leaders, pid, Caller("leader_cao", "leader"), leader="leader_li")
    with pytest.raises(Invalid):  # the office assigns to school leaders only
        take(leaders, pid, Caller("assessor", "assessor"), leader="supervisor")
    take(leaders, pid, Caller("leader_cao", "leader"))
    assert leader_of(leaders, pid) == "leader_cao"
    with pytest.raises(Conflict):
        take(leaders, pid, Caller("leader_li", "leader"))
    with leaders.db.session() as session:
        mine = ownership.cases_of(session, "leader_cao")
    assert [(o.kind, p.id) for o, p in mine] == [("package", pid)]


def test_taking_a_duty_case_replaces_the_duty_leader_and_keeps_the_history(any_leaders: Harness) -> None:
    put_on_duty(any_leaders, date(2026, 3, 2), "leader_li")
    pid = any_leaders.api.register(petition_body(channel="visit"))["id"]
    take(any_leaders, pid, Caller("assessor", "assessor"), leader="leader_pan")
    assert leader_of(any_leaders, pid) == "leader_pan"
    with any_leaders.db.session() as session:
        history = ownership.ownership_history(session, pid)
        assert ownership.cases_of(session, "leader_li") == []
        assert len(ownership.cases_of(session, "leader_li", include_ended=True)) == 1
    assert [(h.leader_username, h.kind, h.ended_at is None) for h in history] == [
        ("leader_li", "duty", False),
        ("leader_pan", "package", True),
    ]
    assert actions(any_leaders, pid) == ["case.owned", "case.released", "case.owned"]


def test_the_leader_is_named_until_the_petition_is_closed(any_leaders: Harness) -> None:
    api = any_leaders.api
    pid = api.register(petition_body())["id"]
    take(any_leaders, pid, Caller("leader_cao", "leader"))
    api.complete(
        pid, "screening", "assessor", decision="not_accept", reason="已进入诉讼程序", route="人民法院"
    )
    assert leader_of(any_leaders, pid) is None
    assert api.petition(pid)["case_leader"] is None
    with any_leaders.db.session() as session:
        (record,) = ownership.ownership_history(session, pid)
    assert record.end_reason == "事项已办结" and record.ended_by == "system"
    with pytest.raises(Conflict):  # closed cases are not taken
        take(any_leaders, pid, Caller("leader_li", "leader"))


def test_release_needs_the_owner_or_the_office_and_a_reason(leaders: Harness) -> None:
    pid = leaders.api.register(petition_body())["id"]
    take(leaders, pid, Caller("leader_cao", "leader"))
    with leaders.db.transaction() as session, pytest.raises(Forbidden):
        ownership.release_case(
            session,
            caller=Caller("leader_li", "leader"),
            petition_id=pid,
            reason="调整",
            now=leaders.clock.now(),
        )
    with leaders.db.transaction() as session:
        ownership.release_case(
            session,
            caller=Caller("leader_cao", "leader"),
            petition_id=pid,
            reason="分工调整",
            now=leaders.clock.now(),
        )
    assert leader_of(leaders, pid) is None
    take(leaders, pid, Caller("leader_li", "leader"))
    assert leader_of(leaders, pid) == "leader_li"


def test_an_urgent_screening_alerts_the_leader_on_duty_at_once(leaders: Harness) -> None:
    api = leaders.api
    put_on_duty(leaders, date(2026, 3, 2), "leader_li")
    urgent = api.register(petition_body(title="宿舍楼燃气泄漏隐患"))["id"]
    ordinary = api.register(petition_body())["id"]
    api.complete(urgent, "screening", "assessor", decision="accept", urgency="urgent")
    api.complete(ordinary, "screening", "assessor", decision="accept", urgency="normal")
    inbox = api.get("/api/v1/notifications", user="leader_li").get_json()["items"]
    assert [(n["kind"], n["petition_id"]) for n in inbox] == [("urgent_petition", urgent)]
    assert "燃气泄漏" in inbox[0]["title"]
    history = api.get(f"/api/v1/petitions/{urgent}/history", user="assessor").get_json()["items"]
    assert "petition.urgent_alerted" in [h["action"] for h in history]


def test_an_urgent_screening_with_no_one_on_duty_alerts_every_school_leader(leaders: Harness) -> None:
    api = leaders.api
    urgent = api.register(petition_body())["id"]
    api.complete(urgent, "screening", "assessor", decision="accept", urgency="urgent")
    for leader in ("leader", "leader_cao", "leader_li"):  # no duty leader, no case leader: all of them
        inbox = api.get("/api/v1/notifications", user=leader).get_json()["items"]
        assert [(n["kind"], n["petition_id"]) for n in inbox] == [("urgent_petition", urgent)], leader
    history = api.get(f"/api/v1/petitions/{urgent}/history", user="assessor").get_json()["items"]
    alerted = next(h for h in history if h["action"] == "petition.urgent_alerted")
    assert alerted["data"]["reached"] == "all_leaders"


def test_an_urgent_screening_with_no_one_on_duty_alerts_the_case_leader(leaders: Harness) -> None:
    api = leaders.api
    urgent = api.register(petition_body())["id"]
    take(leaders, urgent, Caller("leader_li", "leader"))
    api.complete(urgent, "screening", "assessor", decision="accept", urgency="urgent")
    assert api.get("/api/v1/notifications", user="leader_li").get_json()["items"]
    assert not api.get("/api/v1/notifications", user="leader_cao").get_json()["items"]
