"""The database's share on its own: a completion's statements (same count and kinds: the read that
locks the instance and brings the task and the petition with it, two inserts and an update for the
new task and the met deadline, the audit insert, three updates including a 3.6 KB JSON state, commit)
sent through raw psycopg to scratch tables, with no SQLAlchemy and no service code. Plain, and with
the writes and the commit in psycopg's pipeline mode (one round trip, as the service sends them)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import psycopg

from bench.common import median

_SCHEMA = (
    "CREATE TABLE i (id text PRIMARY KEY, state json, revision int, audit_seq int, audit_hash text)",
    "CREATE TABLE t (id text PRIMARY KEY, instance text, status text, title text)",
    "CREATE TABLE d (id serial PRIMARY KEY, task text, status text, due timestamptz)",
    "CREATE TABLE p (id int PRIMARY KEY, instance text, status text, updated timestamptz)",
    "CREATE TABLE a (id serial PRIMARY KEY, stream text, seq int, data json, hash text)",
    "INSERT INTO i VALUES ('i', '{}', 0, 0, '')",
    "INSERT INTO t VALUES ('t0', 'i', 'open', 'first')",
    "INSERT INTO p VALUES (1, 'i', 'in_progress', now())",
)
_LOCK = (
    "SELECT * FROM t JOIN i ON i.id = t.instance LEFT JOIN p ON p.instance = i.id "
    "WHERE t.id = %s FOR UPDATE OF i"
)
_STATE = json.dumps({"tasks": "x" * 3600})


def round_trips(dsn: str, completions: int, *, pipelined: bool) -> list[float]:
    with psycopg.connect(dsn, autocommit=True) as setup:
        for statement in _SCHEMA:
            setup.execute(statement)
    writer = psycopg.connect(dsn)
    timings = []
    try:
        for n in range(1, completions + 21):
            started = time.perf_counter()
            _complete(writer, n, pipelined)
            if n > 20:
                timings.append(time.perf_counter() - started)
    finally:
        writer.close()
    return timings


def _complete(writer: psycopg.Connection, n: int, pipelined: bool) -> None:
    cursor = writer.cursor()
    cursor.execute(_LOCK, (f"t{n - 1}",)).fetchone()
    writes: list[Callable[[], object]] = [
        lambda: cursor.execute("INSERT INTO t VALUES (%s, 'i', 'open', 'next')", (f"t{n}",)),
        lambda: cursor.execute("INSERT INTO d (task, status, due) VALUES (%s, 'active', now())", (f"t{n}",)),
        lambda: cursor.execute("UPDATE d SET status = 'met' WHERE task = %s", (f"t{n - 1}",)),
        lambda: cursor.execute("INSERT INTO a (stream, seq, data, hash) VALUES ('i', %s, '{}', 'h')", (n,)),
        lambda: cursor.execute("UPDATE t SET status = 'completed' WHERE id = %s", (f"t{n - 1}",)),
        lambda: cursor.execute(
            "UPDATE i SET state = %s, revision = revision + 1, audit_seq = %s WHERE id = 'i'", (_STATE, n)
        ),
        lambda: cursor.execute("UPDATE p SET status = 'in_progress', updated = now() WHERE id = 1"),
    ]
    if pipelined:
        with writer.pipeline():
            for write in writes:
                write()
            cursor.execute("COMMIT")  # queued: leaving the pipeline sends it all with one Sync
    else:
        for write in writes:
            write()
        writer.commit()


def measure(dsn: str, completions: int) -> tuple[float, float]:
    plain = median(round_trips(dsn, completions, pipelined=False))
    with psycopg.connect(dsn, autocommit=True) as cleanup:
        for table in ("i", "t", "d", "p", "a"):
            cleanup.execute(f"DROP TABLE {table}")
    pipelined = median(round_trips(dsn, completions, pipelined=True))
    return plain, pipelined
