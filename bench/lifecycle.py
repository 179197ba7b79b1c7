"""Full petition lifecycles through the HTTP layer (Flask's WSGI stack, in-process) on SQLite and
PostgreSQL, against the same diagram on bare SpiffWorkflow (parse once; per task: deserialize,
complete, run engine steps, serialize). Prints the median per task completion and the ratios."""

from __future__ import annotations

import gc
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine, event

from bench import driver_floor
from bench.common import median, ms, postgres_available, scratch_database
from service.app import create_app
from service.clock import SystemClock
from service.config import PROJECT_ROOT, Settings
from service.container import build_services
from service.engine.calendar_store import CalendarStore
from service.engine.scripting import build_helpers
from tests.support import ApiClient

# The happy path plus one revision: 9 task completions per petition.
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("screening", "assessor", {"decision": "accept", "statutory_class": "claim"}),
    ("routing", "assessor", {"department": "logistics", "co_departments": []}),
    ("sign_for", "logistics_handler", {"sign_result": "sign"}),
    ("handle", "logistics_handler", {"findings": "经核查情况属实，已责令整改。"}),
    (
        "draft_reply",
        "logistics_handler",
        {"reply_outcome": "support", "reply_text": "经核查，已责令恢复原价并公示。"},
    ),
    (
        "head_signoff",
        "logistics_head",
        {"approval": "revise", "revision_note": "请补充依据", "major_reply": False},
    ),
    (
        "draft_reply",
        "logistics_handler",
        {"reply_outcome": "support", "reply_text": "依据合同第五条，已责令恢复原价。"},
    ),
    ("head_signoff", "logistics_head", {"approval": "approve", "major_reply": False}),
    ("serve_reply", "logistics_handler", {"delivery_method": "electronic"}),
    ("follow_up", "assessor", {"satisfaction": "satisfied"}),
]
BODY = {
    "channel": "letter",
    "request_type": "complaint",
    "category": "logistics.canteen",
    "title": "二食堂饭菜价格上涨",
    "content": "近两周二食堂多个窗口饭菜价格上涨约两成。",
    "petitioner": {"name": "张三", "phone": "13812345678", "kind": "student"},
}


@dataclass
class StatementLog:
    """What one completion sends to the database: statement count and the time inside the driver
    (cursor.execute: client library, network and server), kept apart from the timed runs."""

    count: int = 0
    seconds: float = 0.0
    _started: float = 0.0

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.count += 1
        self.seconds += time.perf_counter() - self._started


class ServiceLifecycle:
    """Petitions driven through the HTTP layer on one scratch database, one petition per call."""

    def __init__(self, settings: Settings, statements: list[StatementLog] | None = None) -> None:
        self.services = build_services(settings)
        self.api = ApiClient(create_app(settings, services=self.services).test_client(), self.services)
        for user in {user for _, user, _ in STEPS} | {"registrar"}:
            self.api.token(user)
        self.statements = statements  # with it, a StatementLog per completion (the listeners cost time)
        self.log = StatementLog()
        if statements is not None:
            self.log.attach(self.services.db.engine)

    def petition(self, *, counted: bool = True) -> list[float]:
        api, timings = self.api, []
        pid = api.register(BODY)["id"]
        for name, user, data in STEPS:
            task = api.task(pid, name, user)
            self.log.count, self.log.seconds = 0, 0.0
            started = time.perf_counter()
            response = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user=user)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.get_json()
            if counted:
                timings.append(elapsed)
                if self.statements is not None:
                    self.statements.append(StatementLog(self.log.count, self.log.seconds))
        return timings


class BareLifecycle:
    """The same diagram on bare SpiffWorkflow: parsed once; per task deserialize, complete, run the
    engine steps, serialize."""

    def __init__(self) -> None:
        parser = CamundaParser()
        parser.add_dmn_file(str(PROJECT_ROOT / "processes" / "routing.dmn"))
        parser.add_bpmn_file(str(Path(PROJECT_ROOT / "processes" / "petition.bpmn")))
        self.spec, self.subprocesses = parser.get_spec("petition"), parser.get_subprocess_specs("petition")
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
        # The diagram calls the calendar helpers; bare Spiff gets them as plain (unsandboxed) globals.
        helpers = build_helpers(
            SystemClock(), CalendarStore(PROJECT_ROOT / "processes" / "deadline_rules.json").current()
        )
        self.engine = PythonScriptEngine(environment=TaskDataEnvironment(dict(helpers.functions)))
        self.count = 0

    def petition(self, *, counted: bool = True) -> list[float]:
        serializer, engine, timings = self.serializer, self.engine, []
        self.count += 1
        workflow = BpmnWorkflow(self.spec, self.subprocesses, script_engine=engine)
        workflow.task_tree.data.update(
            {
                "received_at": "2026-03-02T10:00:00+08:00",
                "petition_id": self.count,
                "title": BODY["title"],
                "category": BODY["category"],
                "channel": BODY["channel"],
                "request_type": BODY["request_type"],
                "statutory_class": None,
                "restricted_category": False,
            }
        )
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        for name, _, data in STEPS:
            started = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            workflow.script_engine = engine
            task = next(
                t
                for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                if t.task_spec.bpmn_id == name
            )
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            if counted:
                timings.append(time.perf_counter() - started)
        return timings


Lifecycle = ServiceLifecycle | BareLifecycle


def _warmed(runner: Lifecycle) -> Lifecycle:
    """Two uncounted petitions warm caches and connections; then, as the server does after
    start-up (service/server.py), what is alive is frozen out of the collector's way."""
    runner.petition(counted=False)
    runner.petition(counted=False)
    gc.collect()
    gc.freeze()
    return runner


def in_turn(runners: dict[str, Lifecycle], petitions: int) -> dict[str, list[list[float]]]:
    """One petition on each runner in turn, round after round: a drift in the machine's speed falls
    on all of them alike, so ratios taken round by round stay meaningful on a noisy machine. The
    order rotates every round: a runner that follows another (the bare engine above all) starts with
    caches the other one filled, and no runner should always take, or always escape, that place."""
    for runner in runners.values():
        _warmed(runner)
    rounds: dict[str, list[list[float]]] = {name: [] for name in runners}
    names = list(runners)
    for number in range(petitions):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            rounds[name].append(runners[name].petition())
    return rounds


def ratio(service: list[list[float]], bare: list[list[float]]) -> float:
    """The median over rounds of (service median / bare median) within the round."""
    return median([median(s) / median(b) for s, b in zip(service, bare, strict=True)])


def service_round_trips(
    backend: str, petitions: int, statements: list[StatementLog] | None = None
) -> list[float]:
    with scratch_database(backend, "lifecycle") as settings:
        runner = ServiceLifecycle(settings, statements)
        rounds = in_turn({backend: runner}, petitions)[backend]
        runner.services.db.dispose()
    return [timing for petition in rounds for timing in petition]


def bare_round_trips(petitions: int) -> list[float]:
    rounds = in_turn({"bare": BareLifecycle()}, petitions)["bare"]
    return [timing for petition in rounds for timing in petition]


def main(petitions: int = 30) -> None:
    print(
        f"\n== Petition lifecycle: median time per task completion ({petitions} petitions x "
        f"{len(STEPS)} tasks; bare, SQLite and PostgreSQL one petition each in turn, the order rotating)"
    )
    with ExitStack() as stack:
        runners: dict[str, Lifecycle] = {"bare": BareLifecycle()}
        backends = ["sqlite", "postgresql"] if postgres_available() else ["sqlite"]
        for backend in backends:
            settings = stack.enter_context(scratch_database(backend, "lifecycle"))
            runners[backend] = ServiceLifecycle(settings)
        rounds = in_turn(runners, petitions)
        for runner in runners.values():
            if isinstance(runner, ServiceLifecycle):
                runner.services.db.dispose()
    bare = rounds["bare"]
    flat = {name: median([t for petition in timings for t in petition]) for name, timings in rounds.items()}
    print(
        "  bare SpiffWorkflow round trip (deserialize, complete, engine steps, serialize): "
        f"{ms(flat['bare'])}"
    )
    print(
        f"  service via HTTP, SQLite:      {ms(flat['sqlite'])}   ratio service/bare = "
        f"{ratio(rounds['sqlite'], bare):.2f}x (median of the per-round ratios)"
    )
    if "postgresql" not in rounds:
        print("  PostgreSQL: skipped (no server at 127.0.0.1:5432)")
        return
    print(
        f"  service via HTTP, PostgreSQL:  {ms(flat['postgresql'])}   ratio service/bare = "
        f"{ratio(rounds['postgresql'], bare):.2f}x (goal <= 1.5x)"
    )
    logs: list[StatementLog] = []
    service_round_trips("postgresql", max(petitions // 3, 5), statements=logs)
    count, driver = median([log.count for log in logs]), median([log.seconds for log in logs])
    print(
        f"  PostgreSQL, per completion (separate instrumented pass): {count:.0f} statements + "
        f"BEGIN/COMMIT, {ms(driver)} inside cursor.execute ({driver / flat['bare']:.2f}x bare on its own)"
    )
    with scratch_database("postgresql", "driver_floor") as settings:
        dsn = settings.database_url.replace("postgresql+psycopg://", "postgresql://")
        plain, pipelined = driver_floor.measure(dsn, petitions * len(STEPS))
    print(
        f"  the same statements on raw psycopg, no SQLAlchemy or service code: {ms(plain)} "
        f"({plain / flat['bare']:.2f}x bare); writes and commit pipelined: {ms(pipelined)} "
        f"({pipelined / flat['bare']:.2f}x)"
    )
