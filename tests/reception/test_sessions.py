"""Reception sessions: appointments up to capacity, the receiving leader named on the case, field
visits with cases, the session record, and a leader's instruction followed up within 7 working days."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from service.clock import LOCAL_TZ
from service.engine.commands import Actor, CompleteTask
from service.engine.models import HumanTask
from service.errors import Conflict, Forbidden, Invalid
from service.reception import instructions, sessions
from service.reception import service as ownership
from service.reception.models import Instruction
from service.reception.service import Caller
from tests.conftest import Harness, petition_body

OFFICE = Caller("assessor", "assessor")
CAO = Caller("leader_cao", "leader")


def plan(harness: Harness, **changes: object) -> int:
    values: dict[str, object] = {
        "kind": "scheduled",
        "leader": "leader_cao",
        "starts_at": datetime(2026, 3, 4, 9, tzinfo=LOCAL_TZ),
        "place": "行政楼 101 接待室",
        "capacity": 2,
    }
    values.update(changes)
    with harness.db.transaction() as session:
        return sessions.create_session(
            session,
            caller=OFFICE,
            plan=sessions.SessionPlan(**values),  # type: ignore[arg-type]
            now=harness.clock.now(),
        ).id


def book(harness: Harness, session_id: int, name: str, petition_id: int | None = None) -> int:
    with harness.db.transaction() as session:
        return sessions.book(
            session,
            caller=OFFICE,
            session_id=session_id,
            name=name,
            phone="13800000000",
            topic="宿舍维修",
            petition_id=petition_id,
            now=harness.clock.now(),
        ).id


def test_appointments_fill_a_session_up_to_its_capacity(leaders: Harness) -> None:
    sid = plan(leaders)
    book(leaders, sid, "张三")
    second = book(leaders, sid, "李四")
    with pytest.raises(Conflict):
        book(leaders, sid, "王五")
    with leaders.db.transaction() as session:
        sessions.close_appointment(
            session,
            caller=OFFICE,
            appointment_id=second,
            status="cancelled",
            outcome=None,
            petition_id=None,
            now=leaders.clock.now(),
        )
    book(leaders, sid, "王五")  # the cancelled place is free again
    leaders.clock.set(datetime(2026, 3, 4, 9, 30, tzinfo=LOCAL_TZ))
    with pytest.raises(Conflict):  # the session has begun
        book(leaders, sid, "赵六")


def test_only_the_office_or_the_leader_arranges_and_a_field_visit_names_its_unit(leaders: Harness) -> None:
    with leaders.db.transaction() as session, pytest.raises(Forbidden):
        sessions.create_session(
            session,
            caller=Caller("leader_li", "leader"),
            plan=sessions.SessionPlan("scheduled", "leader_cao", leaders.clock.now(), "101"),
            now=leaders.clock.now(),
        )
    with pytest.raises(Invalid) as refused:
        plan(leaders, kind="field")
    assert "department" in refused.value.errors


def test_the_receiving_leader_is_named_on_the_case_unless_another_leader_took_it(leaders: Harness) -> None:
    api = leaders.api
    first = api.register(petition_body(channel="reception"))["id"]
    packaged = api.register(petition_body(channel="reception"))["id"]
    with leaders.db.transaction() as session:
        ownership.take_case(
            session,
            caller=Caller("leader_li", "leader"),
            petition_id=packaged,
            leader=None,
            now=leaders.clock.now(),
        )
    sid = plan(leaders)
    booked = [book(leaders, sid, "张三", petition_id=pid) for pid in (first, packaged)]
    leaders.clock.advance(timedelta(days=2, hours=1))  # into the session (03-04 09:00)
    for appointment in booked:
        with leaders.db.transaction() as session:
            sessions.close_appointment(
                session,
                caller=CAO,
                appointment_id=appointment,
                status="attended",
                outcome="当场答复并交办后勤处",
                petition_id=None,
                now=leaders.clock.now(),
            )
    with leaders.db.session() as session:
        assert ownership.case_leader_of(session, first) == "leader_cao"
        assert ownership.case_leader_of(session, packaged) == "leader_li"
        assert ownership.current_ownership(session, first).kind == "session"  # type: ignore[union-attr]


def test_a_field_visit_takes_cases_along_and_its_record_names_the_leader(leaders: Harness) -> None:
    pid = leaders.api.register(petition_body())["id"]
    sid = plan(leaders, kind="field", department="logistics", topic="后勤服务集中问题")
    with leaders.db.transaction() as session:
        sessions.add_case(session, caller=CAO, session_id=sid, petition_id=pid, note="现场查看二食堂")
    with leaders.db.transaction() as session, pytest.raises(Conflict, match="尚未开始"):
        sessions.record_session(
            session, caller=CAO, session_id=sid, record="提前记录", now=leaders.clock.now()
        )
    leaders.clock.advance(timedelta(days=2, hours=1))
    with leaders.db.transaction() as session:
        row = sessions.record_session(
            session, caller=CAO, session_id=sid, record="现场协调，限期整改", now=leaders.clock.now()
        )
        assert row.status == "held"
    with leaders.db.session() as session:
        assert ownership.case_leader_of(session, pid) == "leader_cao"
        assert [c.note for c in sessions.cases_of_session(session, sid)] == ["现场查看二食堂"]


def test_an_instruction_is_fed_back_within_seven_working_days_and_read_by_the_leader(
    leaders: Harness,
) -> None:
    pid = leaders.api.register(petition_body())["id"]
    with leaders.db.transaction() as session:
        row = instructions.issue_instruction(
            session,
            runtime=leaders.services.runtime,
            caller=CAO,
            actor=Actor("leader_cao"),
            petition_id=pid,
            department="logistics",
            text="请后勤处一周内核查价格并答复",
            now=leaders.clock.now(),
        )
        instruction_id = row.id
    with leaders.db.session() as session:
        instruction = session.get(Instruction, instruction_id)
        task = session.scalar(
            select(HumanTask).where(
                HumanTask.business_key == f"petition:{pid}", HumanTask.element_id == "feedback"
            )
        )
    assert instruction is not None and task is not None
    assert task.candidate_group == "head@logistics"
    assert instruction.feedback_due_at == datetime(2026, 3, 11, 23, 59, 59, tzinfo=LOCAL_TZ)  # 7 working days
    runtime = leaders.services.runtime
    runtime.execute(
        CompleteTask(
            task.id,
            Actor("logistics_head", frozenset({"head@logistics"})),
            {"feedback": "已核查并下调价格", "resolved": True},
        )
    )
    with leaders.db.session() as session:
        ack = session.scalar(
            select(HumanTask).where(
                HumanTask.business_key == f"petition:{pid}",
                HumanTask.element_id == "acknowledge",
                HumanTask.status == "open",
            )
        )
    assert ack is not None and ack.assignee == "leader_cao"
    runtime.execute(CompleteTask(ack.id, Actor("leader_cao"), {}))
    with leaders.db.session() as session:
        done = session.get(Instruction, instruction_id)
    assert done is not None and (done.status, done.feedback, done.feedback_by) == (
        "acknowledged",
        "已核查并下调价格",
        "logistics_head",
    )
    assert leaders.api.petition(pid)["status"] == "screening"  # the petition's own process is untouched


def test_a_session_cannot_be_planned_in_the_past(leaders: Harness) -> None:
    with pytest.raises(Invalid) as refused:
        plan(leaders, starts_at=datetime(2020, 1, 1, 9, tzinfo=LOCAL_TZ))
    assert "starts_at" in refused.value.errors
