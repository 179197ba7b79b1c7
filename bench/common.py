"""Shared set-up for the benchmarks: scratch databases prepared like a real deployment."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from service.config import PROJECT_ROOT, Settings
from service.db import make_engine
from tests.support import prepare_database

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def settings_for(url: str) -> Settings:
    return Settings(
        database_url=url,
        broker_url=None,
        secret_key="bench-secret",
        processes_dir=PROJECT_ROOT / "processes",
        forms_dir=PROJECT_ROOT / "forms",
        token_ttl_seconds=3600,
        allow_time_travel=True,
        public_rate_limit=10**9,
    )


def postgres_available() -> bool:
    try:
        engine = make_engine(PG_ADMIN_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def scratch_database(backend: str, name: str) -> Iterator[Settings]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
            prepare_database(url, settings_for(url))
            yield settings_for(url)
        return
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    database = f"petitionflow_bench_{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    try:
        prepare_database(url, settings_for(url))
        yield settings_for(url)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values)
