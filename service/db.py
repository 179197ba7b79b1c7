"""Database engine, sessions and the one place where transactions are committed.

Every write happens inside `Database.transaction()`: one unit of work, committed once, with
after-commit hooks (notifications, Celery jobs) run only when the commit succeeded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar, cast
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Every id (and version number) is an INTEGER column, 32 bits on PostgreSQL: a larger number names
# no row, and SQLite cannot even bind one past 64 bits. The edges refuse such numbers before any query:
# `<int:…>` routes answer 404 (service/app.py), the API's integer fields 422 (service/api/schemas).
MAX_ID = 2**31 - 1
# The last page number a list accepts (422 beyond it), so that page × per_page stays a small offset.
MAX_PAGE = 100_000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def table_of(model: type[Base]) -> Table:
    """A mapped class's Table, for plain Core statements on hot paths (no ORM bulk machinery)."""
    return cast(Table, model.__table__)


def column_values(row: Base) -> dict[str, Any]:
    """A mapped row's column values, by attribute name."""
    return {column.key: getattr(row, column.key) for column in table_of(type(row)).columns}


def insert_values(row: Base) -> dict[str, Any]:
    """A mapped row's values for a Core INSERT: an unset `id` is left to the database."""
    return {key: value for key, value in column_values(row).items() if value is not None or key != "id"}


Row = TypeVar("Row", bound=Base)


def detached_copy(row: Row, **changes: Any) -> Row:
    """An unattached copy of a mapped row with some values replaced (what a reader may see, sealed):
    no session knows it, so nothing of it is ever written back."""
    return type(row)(**column_values(row) | changes)


AfterCommit = Callable[[], None]


def after_commit(session: Session, hook: AfterCommit) -> None:
    """Run `hook` once the current unit of work has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(hook)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins (needed for SAVEPOINT
        # and for BEGIN IMMEDIATE below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writing unit of work takes SQLite's write lock up front, so two writers queue instead
        # of failing with "database is locked" when a read transaction tries to upgrade.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def json_bytes(value: Any) -> bytes:
    """JSON for the database's JSON columns, by orjson (every command writes the instance state and
    reads it back: several times faster than the standard library). Non-string keys become strings
    as json.dumps makes them; what orjson refuses (an integer past 64 bits) json.dumps still writes."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(value).encode()


def json_value(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # e.g. an integer past 64 bits, written by json.dumps
        return json.loads(data)


def _json_text(value: Any) -> str:
    return json_bytes(value).decode()  # SQLite stores JSON as TEXT


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_deserializer", json_value)
    if url.startswith("sqlite"):
        kwargs.setdefault("json_serializer", _json_text)
        if ":memory:" not in url and url != "sqlite://":
            # One pooled connection per thread keeps the WAL open (closing the last connection
            # checkpoints) and saves the connect + PRAGMA round trip on every session.
            kwargs.setdefault("pool_size", 8)
            kwargs.setdefault("max_overflow", 8)
            kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("json_serializer", json_bytes)  # psycopg takes bytes as they are
    if "poolclass" not in kwargs:
        # LIFO: the connection a request just released (its prepared statements warm) goes next.
        kwargs.update(pool_size=10, max_overflow=20, pool_use_lifo=True)
    # No pre-ping (one extra round trip per checkout); stale connections are recycled instead.
    engine = create_engine(url, pool_recycle=1800, **kwargs)
    _configure_pipelining(engine)
    return engine


class _OpenPipeline(NamedTuple):
    scope: AbstractContextManager[Any]  # psycopg's pipeline() context: leaving it syncs and ends the mode
    pipeline: Any


# The open psycopg pipeline of each connection a unit of work holds, by driver connection: the
# execution hooks below find it from the cursor a statement runs on.
_PIPELINES: WeakKeyDictionary[Any, _OpenPipeline] = WeakKeyDictionary()


def _configure_pipelining(engine: Engine) -> None:
    """A unit of work on PostgreSQL runs in psycopg's pipeline mode: a write (INSERT, UPDATE or
    DELETE without RETURNING) is queued, not waited for, and goes to the server with the next
    statement that returns rows, or with COMMIT. A task completion's ten or so statements wait on
    four round trips (three reads and COMMIT) instead of each on its own, and the server still runs
    them in order, so a read sees the writes before it. A failed write surfaces at that next read
    or at COMMIT and rolls the unit back.

    The price: an UPDATE's row count is unknown when the ORM would check it, so the ORM's check that
    an UPDATE matched its row (StaleDataError) is off on PostgreSQL. No mapped class uses a version
    column; instance rows are changed only under their row lock, and no command deletes a row that
    another may be updating."""
    engine.dialect.supports_sane_rowcount = False
    engine.dialect.supports_sane_multi_rowcount = False
    # Several rows of one INSERT (a command's audit events) go as one multi-row statement, not one
    # statement per row.
    engine.dialect.use_insertmanyvalues_wo_returning = True

    @event.listens_for(engine, "do_execute")
    def _execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool | None:
        open_pipeline = _PIPELINES.get(cursor.connection)
        if open_pipeline is None:
            return None
        cursor.execute(statement, parameters)
        if not _is_plain_write(context):
            open_pipeline.pipeline.sync()  # its rows, and the errors of the writes queued before it
        return True

    @event.listens_for(engine, "do_execute_no_params")
    def _execute_no_params(cursor: Any, statement: str, context: Any) -> bool | None:
        open_pipeline = _PIPELINES.get(cursor.connection)
        if open_pipeline is None:
            return None
        cursor.execute(statement)
        open_pipeline.pipeline.sync()
        return True

    plain_commit = engine.dialect.do_commit

    def _commit(dbapi_connection: Any) -> None:
        open_pipeline = _PIPELINES.pop(dbapi_connection.driver_connection, None)
        if open_pipeline is None:
            plain_commit(dbapi_connection)
            return
        # COMMIT is queued behind the last writes and leaving the pipeline sends them with one Sync:
        # one round trip where psycopg's commit() (a Sync of its own) and the pipeline's exit take two.
        # A queued write's error may already surface while COMMIT is queued: the pipeline is left
        # all the same, and the unit of work rolls back.
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("COMMIT")
        except BaseException as error:
            open_pipeline.scope.__exit__(type(error), error, error.__traceback__)
            raise
        open_pipeline.scope.__exit__(None, None, None)

    # The dialect's commit, per engine; SQLAlchemy still turns a failure into its own exception.
    setattr(engine.dialect, "do_commit", _commit)  # noqa: B010


def _is_plain_write(context: Any) -> bool:
    if not (context.isinsert or context.isupdate or context.isdelete):
        return False
    compiled = context.compiled
    return compiled is not None and not compiled.effective_returning


@contextmanager
def _pipelined(connection: Connection) -> Iterator[None]:
    """Pipeline mode until COMMIT (which leaves it, see _commit) or until the unit of work fails."""
    driver = connection.connection.driver_connection
    scope = driver.pipeline()  # type: ignore[union-attr]
    _PIPELINES[driver] = _OpenPipeline(scope, scope.__enter__())
    try:
        yield
    except BaseException as error:
        if _PIPELINES.pop(driver, None) is not None:
            scope.__exit__(type(error), error, error.__traceback__)
        raise
    if _PIPELINES.pop(driver, None) is not None:  # the unit of work ended without a commit
        scope.__exit__(None, None, None)


class Database:
    def __init__(self, engine: Engine, *, bind: Engine | Connection | None = None) -> None:
        self.engine = engine
        self._bound = bind if isinstance(bind, Connection) else None
        target = bind if bind is not None else engine
        options: dict[str, Any] = {"expire_on_commit": False}
        self._sessions: sessionmaker[Session] = sessionmaker(bind=target, **options)
        self._readers: sessionmaker[Session] = self._sessions
        if isinstance(target, Engine) and target.dialect.name == "postgresql":
            # Reads need no transaction of their own (READ COMMITTED gives every statement a fresh
            # snapshot anyway): autocommit saves BEGIN and ROLLBACK, and a ROLLBACK would also
            # make psycopg drop its prepared statements on that connection.
            reader_bind = target.execution_options(isolation_level="AUTOCOMMIT")
            self._readers = sessionmaker(bind=reader_bind, **options)
        if isinstance(target, Connection):
            # Tests bind every session to one connection inside an outer transaction that is rolled
            # back afterwards: each unit of work becomes a SAVEPOINT, and read sessions join without
            # one (so closing a reader never undoes a unit of work committed while it was open).
            self._sessions = sessionmaker(bind=target, join_transaction_mode="create_savepoint", **options)
            self._readers = sessionmaker(bind=target, join_transaction_mode="rollback_only", **options)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A session for reading; whoever opens it closes it."""
        return self._readers()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error, then run after-commit hooks.
        On PostgreSQL it runs in pipeline mode from BEGIN to COMMIT (see _configure_pipelining)."""
        with self._own_connection() as connection:
            session = self._sessions() if connection is None else self._sessions(bind=connection)
            if self.dialect == "sqlite":
                session.connection(execution_options={"sqlite_immediate": True})
            pipelined = _pipelined(session.connection()) if self.dialect == "postgresql" else nullcontext()
            try:
                with pipelined:
                    yield session
                    session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                hooks: list[AfterCommit] = session.info.pop("after_commit", [])
                session.close()
        for hook in hooks:
            hook()

    @contextmanager
    def _own_connection(self) -> Iterator[Connection | None]:
        """On PostgreSQL the unit of work's connection, handed to its session. A session that took
        its connection from the pool itself would return it inside commit(), still in pipeline mode,
        where another thread could take it before the pipeline is left."""
        if self.dialect != "postgresql" or self._bound is not None:
            yield None
            return
        with self.engine.connect() as connection:
            yield connection

    @staticmethod
    def release(session: Session) -> None:
        """Hand a read session's connection back to the pool; what it loaded stays usable."""
        session.commit()

    def dispose(self) -> None:
        self.engine.dispose()
