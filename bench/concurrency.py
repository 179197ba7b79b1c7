"""Two clients completing tasks at once on different petitions, PostgreSQL: each instance heading
its own audit stream (the service) against every command appending to one global chain (the design
before streams, run here by sending the events to the system stream). Prints the completions per
second of each, measured side by side."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bench.common import median, postgres_available, scratch_database
from bench.lifecycle import BODY, STEPS
from service.app import create_app
from service.audit import chain
from service.container import build_services
from service.engine.runtime import Outcome, Runtime
from tests.support import ApiClient

CLIENTS = 2


def _one_global_chain(runtime: Runtime) -> None:
    """The runtime's last step as it was with a single chain: every command locks and advances the
    one head row, held until its commit."""

    def finish(session: Any, outcome: Outcome) -> None:
        for listener in runtime.listeners:
            listener.on_outcome(session, outcome)
        session.flush()
        chain.append(session, outcome.events, at=outcome.now)

    runtime._finish = finish  # type: ignore[method-assign]


def throughput(petitions: int, configure: Callable[[Runtime], None] | None = None) -> float:
    with scratch_database("postgresql", "concurrency") as settings:
        services = build_services(settings)
        if configure is not None:
            configure(services.runtime)
        app = create_app(settings, services=services)
        clients = [ApiClient(app.test_client(), services) for _ in range(CLIENTS)]
        for api in clients:
            for user in {user for _, user, _ in STEPS} | {"registrar"}:
                api.token(user)
        work = [[api.register(BODY)["id"] for _ in range(petitions)] for api in clients]
        barrier = threading.Barrier(CLIENTS + 1)

        def run(api: ApiClient, pids: list[int]) -> None:
            barrier.wait()
            for pid in pids:
                for name, user, data in STEPS:
                    task = api.task(pid, name, user)
                    response = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user=user)
                    assert response.status_code == 200, response.get_json()

        threads = [
            threading.Thread(target=run, args=(api, pids)) for api, pids in zip(clients, work, strict=True)
        ]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        services.db.dispose()
    return CLIENTS * petitions * len(STEPS) / elapsed


def main(petitions: int = 15, rounds: int = 3) -> None:
    print(f"\n== Two clients at once, PostgreSQL: task completions per second ({petitions} petitions each)")
    if not postgres_available():
        print("  PostgreSQL: skipped (no server at 127.0.0.1:5432)")
        return
    ratios = []
    for n in range(rounds):  # in turn, so a drift of the machine's speed hits both alike
        streams = throughput(petitions)
        single = throughput(petitions, _one_global_chain)
        ratios.append(streams / single)
        print(f"  round {n + 1}: audit stream per instance {streams:.0f}/s, one global chain {single:.0f}/s")
    print(f"  median ratio streams/global = {median(ratios):.2f}x")
