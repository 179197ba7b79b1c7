"""Real Celery workers (Redis broker) over real PostgreSQL: due timers fire exactly once.

Two workers race over a few hundred due timers; a worker killed mid-batch loses nothing. The
workers are separate processes started with the `celery` command; waits are bounded polls of the
database (the work finishing), never sleeps standing in for time.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from service.audit.models import AuditEvent
from service.clock import LOCAL_TZ, FrozenClock
from service.config import PROJECT_ROOT, Settings
from service.container import Services, build_services
from service.db import make_engine
from service.engine.commands import Actor, StartInstance
from service.engine.deployment import deploy_source
from service.engine.models import TIMER_PENDING, Timer
from service.identity.roles import ROLES
from tests.conftest import PG_ADMIN_URL, postgres_unavailable_reason, worker_suffix
from tests.support import prepare_database

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.concurrency]
REDIS_URL = os.environ.get("PETITIONFLOW_TEST_REDIS", "redis://127.0.0.1:6379/14")
FIXTURE = PROJECT_ROOT / "tests" / "processes" / "timer_probe.bpmn"
TIMERS = 300


def redis_unavailable_reason() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        return f"no Redis at {REDIS_URL}: {type(error).__name__}"
    return None


@pytest.fixture
def due_timers(request: pytest.FixtureRequest, settings_template: Settings) -> Iterator[Services]:
    """A committed PostgreSQL database holding TIMERS instances, each waiting on a timer due in 2020."""
    reason = postgres_unavailable_reason() or redis_unavailable_reason()
    if reason:
        pytest.skip(reason)
    name = f"petitionflow_celery_{worker_suffix(request)}"
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    settings = replace(settings_template, database_url=url)
    prepare_database(url, settings)
    # Created "in 2020", before the due date; the workers run on the real clock, when all are due.
    services = build_services(settings, clock=FrozenClock(datetime(2020, 1, 2, 12, tzinfo=LOCAL_TZ)))
    with services.db.transaction() as session:
        deploy_source(
            session,
            source=FIXTURE.read_bytes(),
            filename=FIXTURE.name,
            actor="test",
            roles=ROLES,
            now=services.clock.now(),
        )
    for _ in range(TIMERS):
        services.runtime.execute(
            StartInstance(
                "timer_probe", Actor("test"), data={"rule": "SIGN", "start_at": "2020-01-02T10:00:00+08:00"}
            )
        )
    try:
        yield services
    finally:
        services.db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Worker:
    def __init__(self, settings: Settings, queue: str, name: str, log: Path) -> None:
        env = os.environ | {
            "DATABASE_URL": settings.database_url,
            "CELERY_BROKER_URL": REDIS_URL,
            "PETITIONFLOW_SECRET_KEY": settings.secret_key,
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "service.jobs.celery_app:celery",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "-n",
                f"{name}@%h",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def fired(self) -> int:
        return sum(int(n) for n in re.findall(r"'fired': (\d+)", self.output()))

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
        self._log_file.close()


def wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)  # polling for work to finish, not waiting for time to pass
    raise AssertionError(f"timed out waiting for {what}")


def counts(services: Services) -> tuple[int, int, int]:
    """(pending due timers, timer.fired events, instances with more than one firing)."""
    with services.db.session() as session:
        pending = session.scalar(select(func.count()).select_from(Timer).where(Timer.status == TIMER_PENDING))
        per_instance = (
            select(AuditEvent.instance_id, func.count().label("n"))
            .where(AuditEvent.action == "timer.fired")
            .group_by(AuditEvent.instance_id)
            .subquery()
        )
        fired = session.scalar(select(func.coalesce(func.sum(per_instance.c.n), 0)))
        doubled = session.scalar(select(func.count()).select_from(per_instance).where(per_instance.c.n > 1))
    return int(pending or 0), int(fired or 0), int(doubled or 0)


def send_sweeps(queue: str, count: int) -> None:
    from service.jobs.celery_app import make_celery

    app = make_celery(replace(Settings(secret_key="x"), broker_url=REDIS_URL))
    for _ in range(count):
        app.send_task("petitionflow.run_job", args=("sweep-timers",), queue=queue)


def test_two_workers_race_and_each_timer_fires_exactly_once(due_timers: Services, tmp_path: Path) -> None:
    queue = f"pf-test-{uuid.uuid4().hex[:8]}"
    workers = [Worker(due_timers.settings, queue, f"w{i}", tmp_path / f"w{i}.log") for i in range(2)]
    try:
        wait_until(lambda: all("ready." in w.output() for w in workers), 60, "both workers to start")
        send_sweeps(queue, 4)
        wait_until(lambda: counts(due_timers)[0] == 0, 120, "every due timer to fire")
        wait_until(lambda: sum(w.fired() for w in workers) == TIMERS, 30, "the sweeps to report")
    finally:
        for worker in workers:
            worker.stop()
    pending, fired, doubled = counts(due_timers)
    assert (pending, fired, doubled) == (0, TIMERS, 0)
    assert all(w.fired() > 0 for w in workers), [w.fired() for w in workers]  # both really raced


def test_a_worker_killed_mid_batch_loses_nothing(due_timers: Services, tmp_path: Path) -> None:
    queue = f"pf-test-{uuid.uuid4().hex[:8]}"
    first = Worker(due_timers.settings, queue, "first", tmp_path / "first.log")
    try:
        wait_until(lambda: "ready." in first.output(), 60, "the worker to start")
        send_sweeps(queue, 1)
        wait_until(lambda: counts(due_timers)[1] >= 20, 60, "the first firings")
        first.stop(signal.SIGKILL)
    finally:
        first.stop(signal.SIGKILL)
    pending, fired_before, doubled = counts(due_timers)
    assert pending > 0 and doubled == 0  # killed with work left, nothing fired twice
    second = Worker(due_timers.settings, queue, "second", tmp_path / "second.log")
    try:
        wait_until(lambda: "ready." in second.output(), 60, "the second worker to start")
        send_sweeps(queue, 1)
        wait_until(lambda: counts(due_timers)[0] == 0, 120, "the remaining timers to fire")
    finally:
        second.stop()
    assert counts(due_timers) == (0, TIMERS, 0)
    assert fired_before < TIMERS
