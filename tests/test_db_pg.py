"""How `Database` uses PostgreSQL connections: reads outside any transaction, one transaction per
unit of work (its writes pipelined), and a released read session's connection free for the next
command."""

from __future__ import annotations

import select as select_module
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from psycopg import pq
from sqlalchemy import column, event, insert, select, table, text, update
from sqlalchemy.exc import IntegrityError

from service.db import Database
from tests.conftest import PG_ADMIN_URL, postgres_unavailable_reason

pytestmark = pytest.mark.postgres

XID = text("SELECT pg_current_xact_id()::text")


@pytest.fixture
def pg_db() -> Iterator[Database]:
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    db = Database.from_url(PG_ADMIN_URL)
    try:
        yield db
    finally:
        db.dispose()


def test_each_read_statement_runs_in_its_own_transaction(pg_db: Database) -> None:
    with pg_db.session() as reader:
        first, second = reader.scalar(XID), reader.scalar(XID)
    assert first != second  # autocommit: no BEGIN … ROLLBACK around a read session


def test_a_unit_of_work_is_one_transaction(pg_db: Database) -> None:
    with pg_db.transaction() as session:
        first, second = session.scalar(XID), session.scalar(XID)
    assert first == second


def test_a_released_reader_returns_its_connection_and_keeps_what_it_read(pg_db: Database) -> None:
    reader = pg_db.session()
    value = reader.scalar(text("SELECT 41 + 1"))
    read_on = reader.connection().connection.dbapi_connection
    assert pg_db.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    pg_db.release(reader)
    assert pg_db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with pg_db.transaction() as session:  # the command that follows gets the same connection
        assert session.connection().connection.dbapi_connection is read_on
    reader.close()
    assert value == 42


PROBE = table("pipeline_probe", column("id"), column("note"))


@pytest.fixture
def probe(pg_db: Database) -> Iterator[None]:
    with pg_db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS pipeline_probe"))
        connection.execute(text("CREATE TABLE pipeline_probe (id int PRIMARY KEY, note text)"))
    yield
    with pg_db.engine.begin() as connection:
        connection.execute(text("DROP TABLE pipeline_probe"))


def _rows(db: Database) -> list[tuple[int, str]]:
    with db.session() as reader:
        return [tuple(row) for row in reader.execute(select(PROBE).order_by(PROBE.c.id))]


def test_writes_wait_for_the_next_read_or_the_commit_and_a_read_sees_them(
    pg_db: Database, probe: None
) -> None:
    with pg_db.transaction() as session:
        session.execute(insert(PROBE).values(id=1, note="queued"))
        session.execute(update(PROBE).where(PROBE.c.id == 1).values(note="changed"))
        assert session.scalar(select(PROBE.c.note).where(PROBE.c.id == 1)) == "changed"
        session.execute(insert(PROBE).values(id=2, note="at commit"))
    assert _rows(pg_db) == [(1, "changed"), (2, "at commit")]


def test_a_queued_write_that_fails_at_commit_leaves_nothing_behind(pg_db: Database, probe: None) -> None:
    reached = []
    with pytest.raises(IntegrityError), pg_db.transaction() as session:
        session.execute(insert(PROBE).values(id=7, note="first"))
        session.execute(insert(PROBE).values(id=7, note="duplicate"))
        reached.append("after the duplicate")  # it was queued, not yet sent
    assert reached == ["after the duplicate"]
    assert _rows(pg_db) == []
    with pg_db.transaction() as session:  # the connection is fit for the next unit of work
        session.execute(insert(PROBE).values(id=8, note="next"))
    assert _rows(pg_db) == [(8, "next")]


@contextmanager
def pipeline_status_at_checkin(db: Database) -> Iterator[list[pq.PipelineStatus | None]]:
    """The pipeline status of each connection handed back to the pool meanwhile (None for one the
    pool threw away as broken)."""
    statuses: list[pq.PipelineStatus | None] = []

    def on_checkin(dbapi_connection: Any, _record: object) -> None:
        statuses.append(dbapi_connection.pgconn.pipeline_status if dbapi_connection is not None else None)

    event.listen(db.engine, "checkin", on_checkin)
    try:
        yield statuses
    finally:
        event.remove(db.engine, "checkin", on_checkin)


def test_a_failed_write_whose_error_arrived_before_commit_still_rolls_back_cleanly(
    pg_db: Database, probe: None
) -> None:
    """The error of a queued write can already be on the socket when COMMIT is queued (psycopg then
    raises it there): the unit of work rolls back, and its connection goes back to the pool out of
    pipeline mode (not broken and thrown away)."""
    with pg_db.transaction() as session:
        session.execute(insert(PROBE).values(id=3, note="committed"))
    with (
        pipeline_status_at_checkin(pg_db) as statuses,
        pytest.raises(IntegrityError),
        pg_db.transaction() as session,
    ):
        session.execute(insert(PROBE).values(id=4, note="rolled back"))
        session.execute(insert(PROBE).values(id=3, note="duplicate"))
        driver = session.connection().connection.driver_connection
        assert driver is not None
        readable, _, _ = select_module.select([driver.fileno()], [], [], 10)  # the error arrived
        assert readable
    assert statuses == [pq.PipelineStatus.OFF]
    assert _rows(pg_db) == [(3, "committed")]


def test_a_unit_of_work_leaves_pipeline_mode_before_its_connection_goes_back_to_the_pool(
    pg_db: Database, probe: None
) -> None:
    """Another thread may take the connection as soon as it is back in the pool: it must come back
    out of pipeline mode, after the unit of work committed or rolled back."""
    with pipeline_status_at_checkin(pg_db) as statuses:
        with pg_db.transaction() as session:
            session.execute(insert(PROBE).values(id=1, note="committed"))
        with pytest.raises(IntegrityError), pg_db.transaction() as session:
            session.execute(insert(PROBE).values(id=1, note="duplicate"))
    assert statuses == [pq.PipelineStatus.OFF, pq.PipelineStatus.OFF]
    assert _rows(pg_db) == [(1, "committed")]
