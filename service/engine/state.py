"""Instance state: what is stored per instance, and how it is kept small.

SpiffWorkflow keeps every task it ever ran in the task tree and its serializer writes the whole tree
(and the whole spec) on every save, so a looping instance gets slower with each iteration. Here:

* the spec is never stored with the instance: it comes from the spec cache (keyed by the deployed
  version's hash) and only the workflow's data and task tree are serialized;
* after each command the finished part of the tree is pruned (`prune`). The audit trail and the
  `completed_elements` projection already hold that history, and nothing in the engine reads a
  finished task that is neither the parent of a live task nor part of a live structure.

Pruning rules, applied to the top workflow and to every subprocess:

1. A finished subtree hanging off a finished task is dropped (earlier loop iterations, cancelled
   boundary events, branches already merged by a join).
2. A finished task in a linear chain (one child, and its parent has only it as a child) that is not
   the parent of a live task is spliced out; its child is re-attached to its parent.

Live tasks, their direct parents (joins look at `task.parent`), descendants of live tasks
(multi-instance children, boundary-event splits) and the root are always kept, and the ancestor
relation between kept tasks is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

STATE_FORMAT = 1


class StateCodec:
    """Turns a workflow into a JSON-able dict without its spec, and back, given the cached spec."""

    def __init__(self) -> None:
        self.registry: DefaultRegistry = BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)

    def dump(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "workflow": self._workflow_dict(workflow),
            "subprocesses": {
                str(task_id): {**self._workflow_dict(sub), "spec": sub.spec.name}
                for task_id, sub in workflow.subprocesses.items()
            },
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
        }

    def _workflow_dict(self, workflow: BpmnWorkflow | BpmnSubWorkflow) -> dict[str, Any]:
        return {
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "success": workflow.success,
            "completed": workflow.completed,
            "root": str(workflow.task_tree.id),
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "tasks": {str(task_id): self.registry.convert(task) for task_id, task in workflow.tasks.items()},
        }

    def load(
        self, state: Mapping[str, Any], spec: Any, subprocess_specs: Mapping[str, Any], script_engine: Any
    ) -> BpmnWorkflow:
        workflow = BpmnWorkflow(spec, dict(subprocess_specs), script_engine=script_engine, deserializing=True)
        self._restore(workflow, state["workflow"])
        pending = dict(state.get("subprocesses", {}))
        self._restore_subprocesses(workflow, workflow, pending)
        workflow.bpmn_events = self.registry.restore(state.get("bpmn_events", []))
        return workflow

    def _restore(self, workflow: BpmnWorkflow | BpmnSubWorkflow, dct: Mapping[str, Any]) -> None:
        workflow.tasks = {}
        # Parents are restored before children: a task's data is stored as a delta from its parent's.
        by_id = dct["tasks"]
        order = _parents_first(by_id, dct["root"])
        for task_id in order:
            task = self.registry.restore(by_id[task_id], workflow=workflow)
            workflow.tasks[task.id] = task
        workflow.task_tree = workflow.tasks[UUID(dct["root"])]
        workflow.success = dct["success"]
        workflow.completed = dct.get("completed", False)
        workflow.correlations = dict(dct.get("correlations", {}))
        last = dct.get("last_task")
        workflow.last_task = workflow.tasks.get(UUID(last)) if last else None
        workflow.data = self.registry.restore(dct.get("data", {}))

    def _restore_subprocesses(
        self, top: BpmnWorkflow, parent: BpmnWorkflow | BpmnSubWorkflow, pending: dict[str, Any]
    ) -> None:
        for task in list(parent.tasks.values()):
            dct = pending.pop(str(task.id), None)
            if dct is None:
                continue
            sub = BpmnSubWorkflow(top.subprocess_specs[dct["spec"]], task.id, top, deserializing=True)
            self._restore(sub, dct)
            top.subprocesses[task.id] = sub
            sub.completed_event.connect(task.task_spec._on_subworkflow_completed, task)
            self._restore_subprocesses(top, sub, pending)


def _parents_first(tasks: Mapping[str, Any], root: str) -> list[str]:
    order, stack = [], [root]
    while stack:
        task_id = stack.pop()
        order.append(task_id)
        stack.extend(reversed(tasks[task_id]["children"]))
    return order


def _is_live(task: Task) -> bool:
    return not task.has_state(TaskState.FINISHED_MASK)


def prune(workflow: BpmnWorkflow) -> int:
    """Drop the finished history that no live task depends on; return how many tasks were removed."""
    removed = _prune_tree(workflow)
    for sub in list(workflow.subprocesses.values()):
        removed += _prune_tree(sub)
    _drop_orphaned_subprocesses(workflow)
    return removed


def _prune_tree(workflow: BpmnWorkflow | BpmnSubWorkflow) -> int:
    tasks: dict[UUID, Task] = workflow.tasks
    root = workflow.task_tree
    live_below: dict[UUID, bool] = {}

    def has_live(task: Task) -> bool:
        # Iterative post-order: whether the task or any descendant is live.
        stack: list[tuple[Task, bool]] = [(task, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                live_below[node.id] = _is_live(node) or any(
                    live_below[c] for c in node._children if c in tasks
                )
            else:
                stack.append((node, True))
                stack.extend((tasks[c], False) for c in node._children if c in tasks)
        return live_below[task.id]

    has_live(root)
    removed = 0
    # Rule 1: finished subtrees hanging off finished tasks.
    for task in list(tasks.values()):
        if task.id in tasks and not _is_live(task) and task is not root:
            kept = []
            for child_id in task._children:
                child = tasks.get(child_id)
                if child is None:
                    continue
                if live_below.get(child_id, False):
                    kept.append(child_id)
                else:
                    removed += _remove_subtree(workflow, child)
            task._children = kept
    # Rule 2: splice finished chain links.
    live_parents = {t._parent for t in tasks.values() if _is_live(t)}
    for task in list(tasks.values()):
        parent = task.parent
        if (
            task is root
            or parent is None
            or _is_live(task)
            or _is_live(parent)
            or task.id in live_parents
            or len(task._children) != 1
            or len(parent._children) != 1
        ):
            continue
        child = tasks[task._children[0]]
        child._parent = parent.id
        parent._children = [child.id]
        del tasks[task.id]
        removed += 1
    if workflow.last_task is not None and workflow.last_task.id not in tasks:
        workflow.last_task = None
    return removed


def _remove_subtree(workflow: BpmnWorkflow | BpmnSubWorkflow, task: Task) -> int:
    count, stack = 0, [task]
    while stack:
        node = stack.pop()
        stack.extend(workflow.tasks[c] for c in node._children if c in workflow.tasks)
        del workflow.tasks[node.id]
        count += 1
    return count


def _drop_orphaned_subprocesses(workflow: BpmnWorkflow) -> None:
    def owner_exists(task_id: UUID) -> bool:
        if task_id in workflow.tasks:
            return True
        return any(task_id in sub.tasks for sub in workflow.subprocesses.values())

    changed = True
    while changed:
        changed = False
        for task_id in list(workflow.subprocesses):
            if not owner_exists(task_id):
                del workflow.subprocesses[task_id]
                changed = True
