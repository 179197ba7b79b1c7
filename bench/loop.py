"""History must not slow an instance down: per-command time at step 1 vs step 400 of a 1-task loop,
for the service runtime (pruned state, spec from cache) and for bare SpiffWorkflow (whole tree and
spec serialized every time)."""

from __future__ import annotations

import time
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from bench.common import median, ms, postgres_available, scratch_database
from service.config import PROJECT_ROOT
from service.container import build_services
from service.engine.commands import Actor, CompleteTask, StartInstance
from service.engine.deployment import deploy_source
from service.engine.models import HumanTask, ProcessInstance
from service.identity.roles import ROLES

FIXTURE = PROJECT_ROOT / "tests" / "processes" / "loop_report.bpmn"
STEPS = 400
WINDOW = 30  # median over the steps around each probe point
ACTOR = Actor("assessor", frozenset({"assessor@office"}))


def _window(timings: list[float], at: int) -> float:
    return median(timings[max(at - WINDOW // 2, 0) : at + WINDOW // 2])


def service_loop(backend: str) -> tuple[list[float], list[int]]:
    with scratch_database(backend, "loop") as settings:
        services = build_services(settings)
        with services.db.transaction() as session:
            deploy_source(
                session,
                source=FIXTURE.read_bytes(),
                filename=FIXTURE.name,
                actor="bench",
                roles=ROLES,
                now=services.clock.now(),
            )
        runtime = services.runtime
        instance_id = runtime.execute(StartInstance("loop_report", ACTOR, data={"rounds": 0})).instance.id
        timings, sizes = [], []
        for step in range(STEPS):
            with services.db.session() as session:
                task_id = session.scalar(
                    select(HumanTask.id).where(
                        HumanTask.instance_id == instance_id, HumanTask.status == "open"
                    )
                )
            started = time.perf_counter()
            runtime.execute(CompleteTask(str(task_id), ACTOR, {"co_opinion": f"第 {step} 次月度报告"}))
            timings.append(time.perf_counter() - started)
            if step in (0, STEPS - 1):
                with services.db.session() as session:
                    state: Any = session.get(ProcessInstance, instance_id).state  # type: ignore[union-attr]
                    sizes.append(len(str(state)))
        services.db.dispose()
        return timings, sizes


def bare_loop() -> tuple[list[float], list[int]]:
    parser = CamundaParser()
    parser.add_bpmn_file(str(FIXTURE))
    spec, subprocesses = parser.get_spec("loop_report"), parser.get_subprocess_specs("loop_report")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    workflow = BpmnWorkflow(spec, subprocesses)
    workflow.task_tree.data.update({"rounds": 0})
    workflow.do_engine_steps()
    state = serializer.serialize_json(workflow)
    timings, sizes = [], []
    for step in range(STEPS):
        started = time.perf_counter()
        workflow = serializer.deserialize_json(state)
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            # The unpruned tree grows three levels per iteration; near Python's recursion limit
            # SpiffWorkflow ends the workflow although the loop condition says "continue".
            print(
                f"  bare SpiffWorkflow: the loop ENDED by itself at step {step} (tree too deep), "
                f"workflow completed={workflow.is_completed()}"
            )
            sizes.append(len(state))
            break
        task = ready[0]
        task.data.update({"co_opinion": f"第 {step} 次月度报告"})
        task.run()
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        timings.append(time.perf_counter() - started)
        if step in (0, STEPS - 1):
            sizes.append(len(state))
    return timings, sizes


def _report(label: str, timings: list[float], sizes: list[int]) -> None:
    last = len(timings)
    early, late = _window(timings, WINDOW // 2), _window(timings, last - WINDOW // 2)
    print(
        f"  {label:32} step 1: {ms(early):>10}   step {last}: {ms(late):>10}   "
        f"ratio {late / early:5.2f}x   state {sizes[0] / 1024:6.1f} KB -> {sizes[-1] / 1024:6.1f} KB"
    )


def main() -> None:
    print(
        f"\n== Looping instance: per-command time at step 1 vs step {STEPS} "
        f"(median of {WINDOW} steps; goal <= 2x)"
    )
    _report("bare SpiffWorkflow", *bare_loop())
    _report("service runtime, SQLite", *service_loop("sqlite"))
    if postgres_available():
        _report("service runtime, PostgreSQL", *service_loop("postgresql"))
