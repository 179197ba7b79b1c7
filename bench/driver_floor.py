"""The database's share on its own: a completion's statements (same count and kinds: the auth read,
the instance lock, the open tasks, two inserts and an update for the new task and the met deadline,
the petition read, the audit insert, three updates including a 3.6 KB JSON state, commit) sent
through raw psycopg to scratch tables, with no SQLAlchemy and no service code. Plain, and with the
writes and the commit in psycopg's pipeline mode."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import psycopg

from bench.common import median

_SCHEMA = (
    "CREATE TABLE u (id int PRIMARY KEY, name text, role text, generation int)",
    "CREATE TABLE i (id text PRIMARY KEY, state json, revision int, audit_seq int, audit_hash text)",
    "CREATE TABLE t (id text PRIMARY KEY, instance text, status text, title text)",
    "CREATE TABLE d (id serial PRIMARY KEY, task text, status text, due timestamptz)",
    "CREATE TABLE p (id int PRIMARY KEY, status text, updated timestamptz)",
    "CREATE TABLE a (id serial PRIMARY KEY, stream text, seq int, data json, hash text)",
    "INSERT INTO u VALUES (1, 'handler', 'handler', 0)",
    "INSERT INTO i VALUES ('i', '{}', 0, 0, '')",
    "INSERT INTO p VALUES (1, 'in_progress', now())",
)
_STATE = json.dumps({"tasks": "x" * 3600})


def round_trips(dsn: str, completions: int, *, pipelined: bool) -> list[float]:
    with psycopg.connect(dsn, autocommit=True) as setup:
        for statement in _SCHEMA:
            setup.execute(statement)
    reader = psycopg.connect(dsn, autocommit=True)
    writer = psycopg.connect(dsn)
    timings = []
    try:
        for n in range(completions + 20):
            started = time.perf_counter()
            _complete(reader, writer, n, pipelined)
            if n >= 20:
                timings.append(time.perf_counter() - started)
    finally:
        reader.close()
        writer.close()
    return timings


def _complete(reader: psycopg.Connection, writer: psycopg.Connection, n: int, pipelined: bool) -> None:
    reader.execute("SELECT * FROM u WHERE id = %s", (1,)).fetchone()
    cursor = writer.cursor()
    cursor.execute("SELECT * FROM i WHERE id = %s FOR UPDATE", ("i",)).fetchone()
    cursor.execute("SELECT * FROM t WHERE instance = %s AND status = 'open'", ("i",)).fetchall()
    writes: list[Callable[[], object]] = [
        lambda: cursor.execute("INSERT INTO t VALUES (%s, 'i', 'open', 'next')", (f"t{n}",)),
        lambda: cursor.execute("INSERT INTO d (task, status, due) VALUES (%s, 'active', now())", (f"t{n}",)),
        lambda: cursor.execute("UPDATE d SET status = 'met' WHERE task = %s", (f"t{n - 1}",)),
    ]
    for write in writes:
        write()
    cursor.execute("SELECT * FROM p WHERE id = %s", (1,)).fetchone()
    tail: list[Callable[[], object]] = [
        lambda: cursor.execute("INSERT INTO a (stream, seq, data, hash) VALUES ('i', %s, '{}', 'h')", (n,)),
        lambda: cursor.execute("UPDATE t SET status = 'completed' WHERE id = %s", (f"t{n - 1}",)),
        lambda: cursor.execute(
            "UPDATE i SET state = %s, revision = revision + 1, audit_seq = %s WHERE id = 'i'", (_STATE, n)
        ),
        lambda: cursor.execute("UPDATE p SET status = 'in_progress', updated = now() WHERE id = 1"),
    ]
    if pipelined:
        with writer.pipeline():
            for write in tail:
                write()
            writer.commit()
    else:
        for write in tail:
            write()
        writer.commit()


def measure(dsn: str, completions: int) -> tuple[float, float]:
    plain = median(round_trips(dsn, completions, pipelined=False))
    with psycopg.connect(dsn, autocommit=True) as cleanup:
        for table in ("u", "i", "t", "d", "p", "a"):
            cleanup.execute(f"DROP TABLE {table}")
    pipelined = median(round_trips(dsn, completions, pipelined=True))
    return plain, pipelined
