"""Test harness.

One database per test session (per xdist worker), built by the real migrations and seeded with the
reference data, the deployed processes and the demo users. Each test runs inside an outer
transaction on one connection; every unit of work the code opens becomes a SAVEPOINT, and the
outer transaction is rolled back afterwards (warehouse's pattern). PostgreSQL tests skip with a
printed reason when the server does not answer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from service.app import create_app
from service.clock import LOCAL_TZ, FrozenClock
from service.config import PROJECT_ROOT, Settings
from service.container import Services, build_services
from service.db import Database, make_engine
from tests.support import ApiClient, prepare_database

PG_ADMIN_URL = os.environ.get("PETITIONFLOW_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
START = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)  # a Monday with no holiday nearby


def pytest_report_header(config: pytest.Config) -> str:
    reason = postgres_unavailable_reason()
    return "postgresql: " + ("available" if reason is None else f"SKIPPED ({reason})")


_pg_reason: list[str | None] = []


def postgres_unavailable_reason() -> str | None:
    if not _pg_reason:
        try:
            engine = make_engine(PG_ADMIN_URL)
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            engine.dispose()
            _pg_reason.append(None)
        except Exception as error:
            _pg_reason.append(f"no PostgreSQL at {PG_ADMIN_URL}: {type(error).__name__}")
    return _pg_reason[0]


def worker_suffix(request: pytest.FixtureRequest) -> str:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return f"{worker}_{os.getpid()}"


@pytest.fixture(scope="session")
def settings_template(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url="sqlite://",
        broker_url=None,
        secret_key="test-secret-key",
        processes_dir=PROJECT_ROOT / "processes",
        forms_dir=PROJECT_ROOT / "forms",
        token_ttl_seconds=3600,
        allow_time_travel=True,
        public_rate_limit=1000,
    )


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory, settings_template: Settings) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    url = f"sqlite:///{path}"
    prepare_database(url, replace(settings_template, database_url=url))
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest, settings_template: Settings) -> Iterator[str]:
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    name = f"petitionflow_test_{worker_suffix(request)}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    prepare_database(url, replace(settings_template, database_url=url))
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


@dataclass
class Harness:
    services: Services
    clock: FrozenClock
    api: ApiClient

    @property
    def db(self) -> Database:
        return self.services.db


def _harness(engine: Engine, settings: Settings) -> Iterator[Harness]:
    connection = engine.connect()
    outer = connection.begin()
    clock = FrozenClock(START)
    services = build_services(settings, clock=clock, db=Database(engine, bind=connection))
    app = create_app(settings, services=services)
    app.testing = True
    try:
        yield Harness(services, clock, ApiClient(app.test_client(), services))
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def harness(sqlite_engine: Engine, settings_template: Settings) -> Iterator[Harness]:
    yield from _harness(sqlite_engine, replace(settings_template, database_url=str(sqlite_engine.url)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_harness(request: pytest.FixtureRequest, settings_template: Settings) -> Iterator[Harness]:
    """The same test on SQLite and on PostgreSQL."""
    engine: Engine = request.getfixturevalue(
        "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    )
    yield from _harness(engine, replace(settings_template, database_url=str(engine.url)))


@pytest.fixture
def api(harness: Harness) -> ApiClient:
    return harness.api


def petition_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "letter",
        "request_type": "complaint",
        "category": "logistics.canteen",
        "title": "二食堂饭菜价格上涨",
        "content": "近两周二食堂多个窗口饭菜价格上涨约两成，希望学校核查。",
        "petitioner": {
            "name": "张三",
            "phone": "13812345678",
            "kind": "student",
            "id_number": "610102200001011234",
        },
        "anonymous": False,
        "headcount": 1,
    }
    body.update(overrides)
    return body


def routed(api: ApiClient, department: str = "logistics", **body: Any) -> int:
    """A registered petition, accepted and routed to `department` (no co-departments)."""
    pid: int = api.register(petition_body(**body))["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department=department, co_departments=[])
    return pid


def signed_for(api: ApiClient, **body: Any) -> int:
    """A petition the logistics office has signed for: its handling step is open."""
    pid = routed(api, **body)
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    return pid


DRAFT_TEXT = "经核实，情况说明如下：价格已恢复。"


def draft_reply(api: ApiClient, pid: int, *, outcome: str = "explain", text: str = DRAFT_TEXT) -> None:
    """The logistics handler drafts the reply (the handling step is done)."""
    api.complete(pid, "draft_reply", "logistics_handler", reply_outcome=outcome, reply_text=text)


def serve_reply(
    api: ApiClient,
    pid: int,
    *,
    outcome: str = "explain",
    text: str = DRAFT_TEXT,
    delivery: str = "in_person",
) -> None:
    """A logistics reply drafted, signed off and served (the handling step is done)."""
    draft_reply(api, pid, outcome=outcome, text=text)
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method=delivery)


def handled_and_served(api: ApiClient, pid: int, *, findings: str = "已核实", **reply: str) -> None:
    """From an open sign-for at logistics to the served reply (`reply` as for serve_reply)."""
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings=findings)
    serve_reply(api, pid, **reply)


__all__ = ["START", "Harness", "Path", "petition_body"]


def add_user(harness: Harness, username: str, role: str, department: str | None = None) -> str:
    """A user beyond the demo set (through the identity service, as an administrator would)."""
    from service.identity.service import create_user

    with harness.db.transaction() as session:
        create_user(
            session,
            username=username,
            role=role,
            department=department,
            password="demo",
            now=harness.clock.now(),
        )
    return username
