from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from service.api.schemas import BaseSchema, LocalDateTime
from service.petitions.projection import petition_id_of


class TaskSchema(BaseSchema):
    id = fields.String()
    name = fields.String(attribute="element_id")
    title = fields.String()
    form = fields.String(attribute="form_key")
    petition_id = fields.Method("_petition_id")
    process_instance_id = fields.String(attribute="instance_id")
    assignee = fields.String(allow_none=True)
    candidate_group = fields.String(allow_none=True)
    status = fields.String()
    due_at = LocalDateTime(allow_none=True)
    deadline_rule = fields.String(allow_none=True)
    created_at = LocalDateTime()

    def _petition_id(self, task: Any) -> int | None:
        key = task["business_key"] if isinstance(task, dict) else task.business_key
        return petition_id_of(key)


class TaskListSchema(BaseSchema):
    items = fields.List(fields.Nested(TaskSchema))


class TaskQuerySchema(BaseSchema):
    petition_id = fields.Integer()
    mine = fields.Boolean(load_default=False)
    all = fields.Boolean(load_default=False)


class TaskDetailSchema(TaskSchema):
    form_schema = fields.Dict()
    form_title = fields.String()
    data = fields.Dict()


class CompleteTaskSchema(BaseSchema):
    data = fields.Dict(required=True)


class RecuseSchema(BaseSchema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=2, max=1000, error="请写明回避理由（{min}–{max} 个字）"),
        metadata={"description": "why the caller has a direct interest in the matter (art. 28)"},
    )


class RecusedSchema(BaseSchema):
    task_id = fields.String()
    released = fields.List(fields.String(), metadata={"description": "tasks handed back to their group"})


class AssignTaskSchema(BaseSchema):
    assignee = fields.String(
        required=True,
        validate=validate.Length(min=1, max=60, error="请选择改派给谁（用户名）"),
        metadata={"description": "the username of the new assignee"},
    )
    reason = fields.String(
        required=True,
        validate=validate.Length(min=2, max=500, error="请写明改派理由（{min}–{max} 个字）"),
        metadata={"description": "why the task goes to someone else (kept in the audit trail)"},
    )


class NextTasksSchema(BaseSchema):
    next_tasks = fields.List(fields.Nested(TaskSchema))
