"""Two users complete the same task at the same moment on a real PostgreSQL: one wins, one gets 409.

These tests commit for real, so they use a database of their own (not the per-test rollback).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select, text

from service.app import create_app
from service.audit import chain
from service.audit.models import AuditEvent
from service.config import Settings
from service.container import Services, build_services
from service.db import make_engine
from service.engine.commands import CompleteTask
from service.engine.models import HumanTask, ProcessInstance
from service.engine.runtime import Outcome
from service.identity.service import create_user
from tests.conftest import PG_ADMIN_URL, petition_body, postgres_unavailable_reason, worker_suffix
from tests.support import ApiClient, prepare_database

pytestmark = [pytest.mark.postgres, pytest.mark.concurrency]


@pytest.fixture
def committed_pg(request: pytest.FixtureRequest, settings_template: Settings) -> Iterator[Services]:
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    name = f"petitionflow_race_{worker_suffix(request)}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    settings = replace(settings_template, database_url=url)
    prepare_database(url, settings)
    services = build_services(settings)
    try:
        yield services
    finally:
        services.db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Gate:
    """Holds the first task completion inside its transaction until released."""

    def __init__(self) -> None:
        self.holding = threading.Event()
        self.release = threading.Event()
        self.armed = True

    def on_outcome(self, session: Any, outcome: Outcome) -> None:
        if isinstance(outcome.command, CompleteTask) and self.armed:
            self.armed = False
            self.holding.set()
            assert self.release.wait(timeout=30)


def wait_for_lock_waiter(services: Services, timeout: float = 20.0) -> None:
    """Poll (bounded) until another backend is blocked on a lock: proof the two commands overlap."""
    deadline = time.monotonic() + timeout
    with services.db.engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            if waiting:
                return
            connection.rollback()
    raise AssertionError("the second completion never waited for the instance lock")


def test_two_users_complete_the_same_task_at_once(committed_pg: Services) -> None:
    services = committed_pg
    with services.db.transaction() as session:
        create_user(
            session,
            username="assessor2",
            role="assessor",
            department="office",
            password="pw-12345",
            now=services.clock.now(),
        )
    gate = Gate()
    services.runtime.add_listener(gate)
    app = create_app(services.settings, services=services)
    api = ApiClient(app.test_client(), services)
    pid = api.register(petition_body())["id"]
    gate.armed = True
    task = api.task(pid, "screening", "assessor")
    url = f"/api/v1/tasks/{task['id']}/complete"
    results: dict[str, int] = {}

    def complete(user: str) -> None:
        client = ApiClient(app.test_client(), services)
        client._tokens = api._tokens
        results[user] = client.post(url, {"data": {"decision": "accept"}}, user=user).status_code

    api.token("assessor2")
    first = threading.Thread(target=complete, args=("assessor",))
    first.start()
    assert gate.holding.wait(timeout=30)
    second = threading.Thread(target=complete, args=("assessor2",))
    second.start()
    wait_for_lock_waiter(services)
    gate.release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert results == {"assessor": 200, "assessor2": 409}
    with services.db.session() as session:
        completions = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "task.completed", AuditEvent.task_id == task["id"])
        )
        row = session.get(HumanTask, task["id"])
        instance = session.scalar(
            select(ProcessInstance).where(ProcessInstance.business_key == f"petition:{pid}")
        )
        routing = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.element_id == "routing")
        ).all()
        assert chain.verify(session).intact
    assert completions == 1
    assert row.status == "completed" and row.completed_by == "assessor"
    assert len(routing) == 1 and instance.active_elements == ["routing"]


def test_a_command_that_waited_for_the_lock_reads_the_task_as_the_winner_left_it(
    committed_pg: Services,
) -> None:
    """The task and its instance are read in the statement that takes the lock; when another
    command on the instance commits while this one waits, the task is read again under the lock:
    a claim made meanwhile is seen (a stale read would show the task unclaimed)."""
    services = committed_pg
    api = ApiClient(create_app(services.settings, services=services).test_client(), services)
    pid = api.register(petition_body())["id"]
    task_id = api.task(pid, "screening", "assessor")["id"]
    seen: dict[str, Any] = {}

    def lock_and_read() -> None:
        with services.db.transaction() as session:
            locked = services.runtime.lock_task(session, task_id, "assessor2")
            seen.update(assignee=locked.row.assignee, revision=locked.instance.revision)

    with services.db.engine.connect() as winner:
        instance_id = winner.scalar(select(HumanTask.instance_id).where(HumanTask.id == task_id))
        revision = winner.scalar(select(ProcessInstance.revision).where(ProcessInstance.id == instance_id))
        winner.execute(
            text("UPDATE process_instance SET revision = revision + 1 WHERE id = :id"), {"id": instance_id}
        )
        winner.execute(text("UPDATE human_task SET assignee = 'assessor' WHERE id = :id"), {"id": task_id})
        waiting = threading.Thread(target=lock_and_read)
        waiting.start()
        wait_for_lock_waiter(services)
        winner.commit()
    waiting.join(timeout=30)

    assert seen == {"assignee": "assessor", "revision": revision + 1}
