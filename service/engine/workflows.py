"""From a deployed version and an instance row to a running workflow, and back.

The spec comes from the cache (parsed once per content hash, never per request); the instance's
state is restored against it. The runtime owns the transaction; this owns the loading."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.models import ProcessInstance, ProcessModel
from service.engine.scripting import ScriptEngine
from service.engine.specs import LoadedSpec, SpecCache, load_specs, parse_xml
from service.engine.state import StateCodec
from service.engine.versions import VersionSnapshot, VersionStore
from service.errors import Conflict


class WorkflowLoader:
    def __init__(self, versions: VersionStore, specs: SpecCache) -> None:
        self.versions = versions
        self.specs = specs
        self.codec = StateCodec()

    def spec(self, session: Session, version: VersionSnapshot) -> LoadedSpec:
        def parse() -> LoadedSpec:
            source, decisions = self.versions.sources(session, version)
            return load_specs(parse_xml(source), decisions)

        return self.specs.get(version.sha256, parse)

    def new(
        self, session: Session, version: VersionSnapshot, engine: ScriptEngine, data: Mapping[str, Any]
    ) -> BpmnWorkflow:
        loaded = self.spec(session, version)
        workflow = BpmnWorkflow(loaded.spec, dict(loaded.subprocess_specs), script_engine=engine)
        workflow.task_tree.data.update(data)
        return workflow

    def load(
        self, session: Session, instance: ProcessInstance, version: VersionSnapshot, engine: ScriptEngine
    ) -> BpmnWorkflow:
        loaded = self.spec(session, version)
        return self.codec.load(instance.state, loaded.spec, loaded.subprocess_specs, engine)

    def warm(self, session: Session) -> int:
        """Parse the latest version of every deployed diagram now (at start-up), not on first use."""
        keys = session.scalars(select(ProcessModel.key).where(ProcessModel.kind == "bpmn")).all()
        for key in keys:
            self.spec(session, self.versions.latest(session, key))
        return len(keys)


def ready_task(workflow: BpmnWorkflow, task_id: str) -> Task:
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except Exception as error:
        raise Conflict("任务已不在流程中") from error
    if task is None or not task.has_state(TaskState.READY):
        raise Conflict("任务当前不可办理")
    return task
