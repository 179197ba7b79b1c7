"""The runtime: one write path, parsed specs cached by hash, state pruned, audit chained."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from service.audit import chain
from service.audit.models import AuditEvent
from service.engine.commands import Actor, CompleteTask, StartInstance
from service.engine.deployment import deploy_source
from service.engine.models import HumanTask, ProcessInstance
from service.errors import Conflict, Forbidden, Invalid
from service.identity.roles import ROLES
from tests.conftest import Harness, draft_reply, petition_body, routed

FIXTURES = Path(__file__).resolve().parents[1] / "processes"
ASSESSOR = Actor("assessor", frozenset({"assessor", "assessor@office"}))


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


def open_task(harness: Harness, instance_id: str) -> HumanTask:
    with harness.db.session() as session:
        task = session.scalar(
            select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
        )
    assert task is not None
    return task


def test_specs_are_parsed_once_per_version_not_per_command(harness: Harness) -> None:
    runtime = harness.services.runtime
    api = harness.api
    for _ in range(3):
        pid = api.register(petition_body())["id"]
        api.complete(pid, "screening", "assessor", decision="accept")
    assert runtime.specs.parses == 1


def test_state_stays_small_in_a_loop(harness: Harness) -> None:
    deploy(harness, "loop_report.bpmn")
    runtime = harness.services.runtime
    instance_id = runtime.execute(StartInstance("loop_report", ASSESSOR, data={"rounds": 0})).instance.id
    sizes = []
    for step in range(60):
        task = open_task(harness, instance_id)
        runtime.execute(CompleteTask(task.id, ASSESSOR, {"co_opinion": f"第 {step} 次报告"}))
        with harness.db.session() as session:
            state = session.get(ProcessInstance, instance_id).state
        sizes.append(sum(len(w["tasks"]) for w in [state["workflow"], *state["subprocesses"].values()]))
    assert max(sizes) == sizes[0], sizes  # the task tree does not grow with the loop


def test_a_failed_command_leaves_nothing_half_written(harness: Harness) -> None:
    runtime = harness.services.runtime
    pid = harness.api.register(petition_body())["id"]
    with harness.db.session() as session:
        instance = session.scalar(
            select(ProcessInstance).where(ProcessInstance.business_key == f"petition:{pid}")
        )
        events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert instance is not None
    task = open_task(harness, instance.id)
    with pytest.raises(Invalid):
        runtime.execute(CompleteTask(task.id, ASSESSOR, {"decision": "not_accept"}))
    with pytest.raises(Forbidden):
        runtime.execute(
            CompleteTask(task.id, Actor("x", frozenset({"handler@logistics"})), {"decision": "accept"})
        )
    with harness.db.session() as session:
        after = session.get(ProcessInstance, instance.id)
        assert after.revision == instance.revision and after.state == instance.state
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    runtime.execute(CompleteTask(task.id, ASSESSOR, {"decision": "accept"}))
    with pytest.raises(Conflict):
        runtime.execute(CompleteTask(task.id, ASSESSOR, {"decision": "accept"}))


def test_every_command_is_audited_and_the_chain_verifies(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    with harness.db.session() as session:
        actions = [
            e.action
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.business_key == f"petition:{pid}").order_by(AuditEvent.id)
            )
        ]
        result = chain.verify(session)
    assert actions[:3] == ["instance.started", "task.created", "petition.registered"]
    assert (
        "task.completed" in actions and "document.issued" in actions and "petition.status_changed" in actions
    )
    assert result.intact and result.checked > 10


def test_the_audit_table_refuses_updates_and_tampering_is_detected(harness: Harness) -> None:
    harness.api.register(petition_body())
    with harness.db.transaction() as session:
        victim = session.scalar(select(AuditEvent.id).where(AuditEvent.action == "petition.registered"))
    with pytest.raises(Exception, match="append-only"), harness.db.transaction() as session:
        session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": victim})
    with harness.db.transaction() as session:
        session.execute(text("DROP TRIGGER audit_event_no_update"))  # an attacker with DDL rights
        session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": victim})
    with harness.db.session() as session:
        result = chain.verify(session)
    assert not result.intact and result.first_broken_id == victim


def test_events_appended_with_a_local_time_still_verify(harness: Harness) -> None:
    from service.audit.chain import PendingEvent
    from service.clock import LOCAL_TZ

    with harness.db.transaction() as session:
        chain.append(
            session,
            [PendingEvent(actor="test", action="test.local_time")],
            at=harness.clock.now().astimezone(LOCAL_TZ),
        )
    with harness.db.session() as session:
        assert chain.verify(session).intact


def test_start_up_parses_every_diagram_once_so_requests_never_do(harness: Harness) -> None:
    runtime = harness.services.runtime
    warmed = runtime.warm_specs()
    assert warmed >= 5 and runtime.specs.parses == warmed  # petition, supervision, review, campaign, …
    pid = harness.api.register(petition_body())["id"]
    harness.api.complete(pid, "screening", "assessor", decision="accept")
    assert runtime.specs.parses == warmed


@pytest.mark.parametrize(
    ("step", "user", "data"),
    [
        ("sign_for", "logistics_handler", {"sign_result": "sign"}),
        ("serve_reply", "logistics_handler", {"delivery_method": "electronic"}),  # issues a notice
    ],
)
def test_a_completion_writes_its_instance_once_and_never_the_global_audit_head(
    any_harness: Harness, step: str, user: str, data: dict[str, str]
) -> None:
    """The audit stream's new head rides on the instance's own UPDATE; no global row is locked;
    a notice the step issues does not make the instance be written early as well. The statement
    that locks the instance also reads the task and the petition: a plain step reads nothing else."""
    from sqlalchemy import event

    api = any_harness.api
    pid = routed(api)
    if step == "serve_reply":  # up to a signed-off reply
        api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
        api.complete(pid, "handle", "logistics_handler", findings="已核实")
        draft_reply(api, pid)
        api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    task = api.task(pid, step, user)
    issued_before = len(api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"])
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(" ".join(statement.split()).lower())

    engine = any_harness.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        completed = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user=user)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert completed.status_code == 200
    assert len([s for s in sent if s.startswith("update process_instance")]) == 1
    assert not [s for s in sent if "audit_head" in s]
    assert len([s for s in sent if s.startswith("insert into audit_event")]) == 1
    reads = [s for s in sent if s.startswith("select")]
    assert "from human_task join process_instance" in reads[0] and "left outer join petition" in reads[0]
    assert not [s for s in reads if s.startswith("select petition.")]
    if step == "sign_for":
        assert len(reads) == 1
    issued = len(api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"])
    assert issued == issued_before + (step == "serve_reply")
