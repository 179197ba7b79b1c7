"""Moving running instances to another version of their model, deliberately and checked.

An instance can move when every task its (pruned) state still holds names an element that exists
in the target version, and every waiting user task is still a user task with a known form there.
Moving keeps the waiting tasks (same ids, same data) and re-predicts the path after them from the
target diagram.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from service.engine.models import INSTANCE_RUNNING, ProcessInstance
from service.engine.versions import VersionSnapshot

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE


@dataclass
class MigrationPlan:
    instance_id: str
    business_key: str | None
    from_version: int
    to_version: int
    waiting: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def can_migrate(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "business_key": self.business_key,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "waiting": self.waiting,
            "can_migrate": self.can_migrate,
            "problems": self.problems,
        }


def _state_tasks(state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    workflows = [state["workflow"], *state.get("subprocesses", {}).values()]
    return [task for workflow in workflows for task in workflow["tasks"].values()]


def plan(
    instance: ProcessInstance,
    current: VersionSnapshot,
    target: VersionSnapshot,
    target_spec_names: set[str],
) -> MigrationPlan:
    result = MigrationPlan(instance.id, instance.business_key, current.version, target.version)
    if instance.status != INSTANCE_RUNNING:
        result.problems.append("实例已结束，无需迁移")
        return result
    if target.model_key != current.model_key:
        result.problems.append("只能迁移到同一流程的其他版本")
        return result
    if target.id == current.id:
        result.problems.append("实例已在该版本")
        return result
    for task in _state_tasks(instance.state):
        spec_name = task["task_spec"]
        live = task["state"] & LIVE
        if live and spec_name not in ("Root", "Start", "End"):
            result.waiting.append(spec_name)
        if spec_name not in target_spec_names:
            result.problems.append(f"元素 {spec_name} 在版本 {target.version} 中不存在")
            continue
        element = target.elements.get(spec_name.removesuffix(" [child]"))
        was = current.elements.get(spec_name.removesuffix(" [child]"))
        if live and was and was.get("type") == "userTask":
            if not element or element.get("type") != "userTask":
                result.problems.append(f"等待中的任务 {spec_name} 在版本 {target.version} 中不再是用户任务")
            elif element.get("form_key") not in target.forms:
                result.problems.append(f"任务 {spec_name} 的表单在版本 {target.version} 中缺失")
    result.waiting = sorted(set(result.waiting))
    return result


def repredict(workflow: BpmnWorkflow) -> None:
    """After loading a state with the target spec: rebuild the predicted path below each waiting task."""
    workflows = [workflow, *workflow.subprocesses.values()]
    for wf in workflows:
        for task in [t for t in wf.tasks.values() if t.has_state(TaskState.READY | TaskState.WAITING)]:
            for child in list(task.children):
                if child.has_state(PREDICTED):
                    _remove_branch(wf, child)
            task._children = [c for c in task._children if c in wf.tasks]
            # The mask must include the waiting task's own state, or Spiff predicts nothing below it.
            task.task_spec._predict(task, mask=PREDICTED | TaskState.READY | TaskState.WAITING)


def _remove_branch(workflow: Any, task: Any) -> None:
    stack = [task]
    while stack:
        node = stack.pop()
        stack.extend(workflow.tasks[c] for c in node._children if c in workflow.tasks)
        workflow.tasks.pop(node.id, None)
