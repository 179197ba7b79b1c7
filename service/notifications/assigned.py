"""Whoever a task is handed to (改派) finds it in their inbox, with the reason, not only in a list."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.engine.commands import AssignTask
from service.engine.models import HumanTask
from service.engine.outcome import Outcome
from service.notifications.models import Notification, petition_id_of

KIND_ASSIGNED = "task_assigned"


class AssignedNotice:
    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        command = outcome.command
        if not isinstance(command, AssignTask):
            return
        task = session.get(HumanTask, command.task_id)
        if task is None or task.assignee != command.assignee.username:
            return
        session.add(
            Notification(
                recipient=command.assignee.username,
                kind=KIND_ASSIGNED,
                title=f"改派给您：{task.title}",
                body=f"“{task.title}”已由 {command.actor.username} 改派给您办理。理由：{command.reason}",
                link=f"/work/tasks/{task.id}",
                task_id=task.id,
                petition_id=petition_id_of(task.business_key),
                business_key=task.business_key,
                created_at=outcome.now,
            )
        )
