"""Audit streams: each instance chains its own events under its row; the rest is the system stream."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select, text

from service.audit import chain
from service.audit.chain import PendingEvent
from service.audit.models import GENESIS_HASH, SYSTEM_STREAM, AuditEvent, AuditHead
from service.db import Database
from service.engine.models import ProcessInstance
from service.migrations import alembic_config
from tests.audit.test_audit_api import _allow_tampering
from tests.conftest import PG_ADMIN_URL, Harness, petition_body, postgres_unavailable_reason, worker_suffix

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_a_command_chains_to_its_instance_and_leaves_the_system_head_alone(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    with any_harness.db.session() as session:
        system_head = session.get(AuditHead, 1)
        before = (system_head.last_id, system_head.last_hash) if system_head else None
    api.complete(pid, "screening", "assessor", decision="accept")
    with any_harness.db.session() as session:
        system_head = session.get(AuditHead, 1)
        assert ((system_head.last_id, system_head.last_hash) if system_head else None) == before
        instance = session.scalar(
            select(ProcessInstance).where(ProcessInstance.business_key == f"petition:{pid}")
        )
        assert instance is not None
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.stream == instance.id).order_by(AuditEvent.seq)
        ).all()
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == GENESIS_HASH
        assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
        assert (instance.audit_seq, instance.audit_hash) == (events[-1].seq, events[-1].hash)
        assert chain.verify(session).intact


def test_a_missing_event_inside_an_instance_stream_is_named(any_harness: Harness) -> None:
    api = any_harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    with any_harness.db.session() as session:
        stream = session.scalar(
            select(ProcessInstance.id).where(ProcessInstance.business_key == f"petition:{pid}")
        )
        second, third = session.scalars(
            select(AuditEvent.id)
            .where(AuditEvent.stream == stream)
            .order_by(AuditEvent.seq)
            .offset(1)
            .limit(2)
        ).all()
    with any_harness.db.transaction() as session:
        _allow_tampering(session)
        session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": second})
    with any_harness.db.session() as session:
        result = chain.verify(session)
    assert (result.intact, result.first_broken_id) == (False, third)
    assert "第 2 条" in (result.reason or "")


def test_an_instance_whose_events_are_all_gone_is_caught_by_its_head(any_harness: Harness) -> None:
    pid = any_harness.api.register(petition_body())["id"]
    with any_harness.db.session() as session:
        stream = session.scalar(
            select(ProcessInstance.id).where(ProcessInstance.business_key == f"petition:{pid}")
        )
    with any_harness.db.transaction() as session:
        _allow_tampering(session)
        session.execute(text("DELETE FROM audit_event WHERE stream = :stream"), {"stream": stream})
    with any_harness.db.session() as session:
        result = chain.verify(session)
    assert not result.intact and f"流程实例 {stream}" in (result.reason or "")


def test_deleting_the_newest_system_event_is_caught_by_the_system_head(harness: Harness) -> None:
    with harness.db.transaction() as session:
        chain.append(session, [PendingEvent(actor="admin", action=f"test.{n}") for n in range(3)], at=AT)
    with harness.db.session() as session:
        newest = session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.stream == SYSTEM_STREAM))
    with harness.db.transaction() as session:
        _allow_tampering(session)
        session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": newest})
    with harness.db.session() as session:
        result = chain.verify(session)
    assert not result.intact and "系统事件流" in (result.reason or "")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema yet, for migrating step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
        return
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    name = f"petitionflow_legacy_{worker_suffix(request)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_events_from_before_streams_stay_the_start_of_the_system_stream(empty_database: str) -> None:
    """A database written by the single-chain version (revision 0008) upgrades in place: its events
    keep their id-based hashes, and new system events continue the same chain after them (on
    PostgreSQL the id column becomes an identity that continues after the old ids)."""
    url = empty_database
    command.upgrade(alembic_config(url), "0008")
    engine = create_engine(url)
    prev = GENESIS_HASH
    with engine.begin() as connection:
        for event_id in (1, 2):
            row = {
                "id": event_id,
                "at": AT,
                "actor": "admin",
                "action": f"legacy.{event_id}",
                "instance_id": None,
                "business_key": None,
                "task_id": None,
                "element_id": None,
                "data": {"n": event_id},
                "prev_hash": prev,
            }
            row["hash"] = chain._digest(row)
            prev = row["hash"]
            connection.execute(AuditEvent.__table__.insert(), [row])
        connection.execute(
            text("UPDATE audit_head SET last_id = 2, last_hash = :h WHERE id = 1"), {"h": prev}
        )
    engine.dispose()
    command.upgrade(alembic_config(url), "heads")
    db = Database.from_url(url)
    try:
        with db.session() as session:
            assert chain.verify(session).intact
        with db.transaction() as session:
            chain.append(session, [PendingEvent(actor="admin", action="after.streams")], at=AT)
        with db.session() as session:
            newest = session.scalar(select(AuditEvent).where(AuditEvent.action == "after.streams"))
            assert newest is not None
            assert (newest.id, newest.stream, newest.seq, newest.prev_hash) == (3, SYSTEM_STREAM, 3, prev)
            assert chain.verify(session) == chain.Verification(True, 3)
        with db.transaction() as session:
            _allow_tampering(session)
            session.execute(text("""UPDATE audit_event SET data = '{"n": 9}' WHERE id = 1"""))
        with db.session() as session:
            result = chain.verify(session)
    finally:
        db.dispose()
    assert (result.intact, result.first_broken_id) == (False, 1)


def test_a_forged_stream_with_no_instance_behind_it_is_caught(any_harness: Harness) -> None:
    """Someone with write access inserts a whole, correctly hashed stream of their own: no instance
    row heads it, so verify reports it."""
    any_harness.api.register(petition_body())
    forged = "00000000-0000-0000-0000-00000000f0f0"
    row = {
        "stream": forged,
        "seq": 1,
        "at": AT,
        "actor": "mallory",
        "action": "task.completed",
        "instance_id": forged,
        "business_key": None,
        "task_id": None,
        "element_id": None,
        "data": {},
        "prev_hash": GENESIS_HASH,
    }
    row["hash"] = chain._digest(row)
    with any_harness.db.transaction() as session:
        session.execute(AuditEvent.__table__.insert(), [row])
    with any_harness.db.session() as session:
        result = chain.verify(session)
    assert not result.intact and forged in (result.reason or "")
