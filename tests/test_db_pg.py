"""How `Database` uses PostgreSQL connections: reads outside any transaction, one transaction per
unit of work, and a released read session's connection free for the next command."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

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
