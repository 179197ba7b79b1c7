from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from service.api.context import caller_first, current_user, require_role, require_writer, services, session
from service.api.schemas.tasks import (
    AssignTaskSchema,
    CompleteTaskSchema,
    NextTasksSchema,
    RecusedSchema,
    RecuseSchema,
    TaskDetailSchema,
    TaskListSchema,
    TaskQuerySchema,
    TaskSchema,
)
from service.db import column_values
from service.engine.commands import AssignTask, ClaimTask, CompleteTask, Recuse
from service.identity import assignees
from service.identity.service import actor_for
from service.petitions import tasks

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="待办任务")


@blp.route("", methods=["GET"])
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, TaskListSchema)
def list_open(query: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": tasks.list_tasks(
            session(),
            current_user(),
            petition_id=query.get("petition_id"),
            mine=query["mine"],
            everyone=query["all"],
        )
    }


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, TaskDetailSchema)
def show(task_id: str) -> dict[str, Any]:
    row, _ = tasks.get_task(session(), current_user(), task_id)
    runtime = services().runtime
    schema, title = runtime.forms.of_task(session(), row)
    return column_values(row) | {
        "form_schema": schema,
        "form_title": title,
        "data": runtime.task_data(session(), row),
    }


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.alt_response(409, description="已被他人认领、已办理或已变化（未作任何更改）")
@blp.response(200, TaskSchema)
def claim(task_id: str) -> Any:
    user = require_writer()
    services().runtime.execute(ClaimTask(task_id=task_id, actor=actor_for(user)))
    return tasks.get_task(session(), user, task_id)[0]


@blp.route("/<task_id>/release", methods=["POST"])
@blp.alt_response(409, description="非本人认领，或指定由本人办理、没有组待办可退回（未作任何更改）")
@blp.response(200, TaskSchema)
def release(task_id: str) -> Any:
    user = require_writer()
    services().runtime.execute(ClaimTask(task_id=task_id, actor=actor_for(user), release=True))
    return tasks.get_task(session(), user, task_id)[0]


@blp.route("/<task_id>/recuse", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(RecuseSchema)
@blp.response(200, RecusedSchema)
def recuse(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """回避 (art. 28): the caller steps aside from this task's matter; tasks they held go back."""
    user = require_writer()
    outcome = services().runtime.execute(
        Recuse(task_id=task_id, actor=actor_for(user), reason=body["reason"])
    )
    recused = next(event for event in outcome.events if event.action == "task.recused")
    return {"task_id": task_id, "released": recused.data["released"]}


@blp.route("/<task_id>/assign", methods=["POST"])
@blp.alt_response(409, description="任务已办理或已撤销（未作任何更改）")
@caller_first(require_role, *assignees.MAY_REASSIGN)
@blp.arguments(AssignTaskSchema)
@blp.response(200, TaskSchema)
def assign(body: dict[str, Any], task_id: str) -> Any:
    """改派 (督办员, 研判员, admin): the task goes to `assignee`, an active user free of the matter and,
    when the task has a candidate group, one of it (422 on `assignee` otherwise)."""
    user = require_role(*assignees.MAY_REASSIGN)
    with services().db.transaction() as tx:
        row, _ = tasks.get_task(tx, user, task_id)
        to = assignees.assignee_for(tx, row, body["assignee"])
        command = AssignTask(task_id=task_id, actor=actor_for(user), assignee=to, reason=body["reason"])
        services().runtime.execute(command, session=tx)
    return row


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.alt_response(409, description="已被他人认领、已办理或已变化（未作任何更改）")
@caller_first(require_writer)
@blp.arguments(CompleteTaskSchema)
@blp.response(200, NextTasksSchema)
def complete(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    user = require_writer()
    outcome = services().runtime.execute(
        CompleteTask(task_id=task_id, actor=actor_for(user), data=body["data"])
    )
    return {"next_tasks": outcome.created_tasks}
