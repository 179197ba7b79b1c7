"""Task reminders: N working days before a task's due date, and once when it is overdue.

Who hears about a task: its assignee; an unclaimed task's candidate group otherwise ("role" is every
active user with that role, "role@department" only those of that department). Each task gets each
kind of reminder once (the `task_reminder` row says so), in the same unit of work as the
notifications; e-mails go out only after that unit of work committed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from service.clock import Clock, to_local
from service.db import Database, after_commit
from service.engine.calendar import BusinessCalendar
from service.engine.models import TASK_OPEN, HumanTask
from service.identity.models import User
from service.notifications.mailer import Mail, MailSettings, send_all
from service.notifications.models import (
    KIND_DUE_SOON,
    KIND_OVERDUE,
    Notification,
    TaskReminder,
    UserContact,
    petition_id_of,
)

log = logging.getLogger(__name__)
DEFAULT_WORKDAYS = 3
# Before counting working days in Python, the query keeps tasks due within this many calendar days
# per working day of lead time, plus a holiday block's worth.
_SLACK_DAYS = 14


@dataclass(frozen=True)
class ReminderSettings:
    workdays: int = DEFAULT_WORKDAYS
    mail: MailSettings | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReminderSettings:
        environ = os.environ if environ is None else environ
        raw = environ.get("PETITIONFLOW_REMINDER_WORKDAYS", "").strip()
        workdays = DEFAULT_WORKDAYS
        if raw:
            if raw.isdigit() and 0 <= int(raw) <= 30:
                workdays = int(raw)
            else:
                log.warning("PETITIONFLOW_REMINDER_WORKDAYS=%r is not 0..30; using %d", raw, DEFAULT_WORKDAYS)
        return cls(workdays=workdays, mail=MailSettings.from_env(environ))


@dataclass
class ReminderRun:
    due_soon: int = 0
    overdue: int = 0
    notifications: int = 0
    mails: list[Mail] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "notifications": self.notifications,
            "mails": len(self.mails),
        }


def send_reminders(
    db: Database, *, clock: Clock, calendar: BusinessCalendar, settings: ReminderSettings
) -> ReminderRun:
    """One sweep: remind tasks entering the window, flag overdue ones; e-mail after commit."""
    now = clock.now()
    run = ReminderRun()
    with db.transaction() as session:
        for task in _open_tasks(session, KIND_OVERDUE, due_before=now):
            _remind(session, task, KIND_OVERDUE, now=now, calendar=calendar, run=run)
            run.overdue += 1
        horizon = now + timedelta(days=settings.workdays * 2 + _SLACK_DAYS)
        today = to_local(now).date()
        for task in _open_tasks(session, KIND_DUE_SOON, due_before=horizon, due_after=now):
            assert task.due_at is not None
            if calendar.workdays_between(today, to_local(task.due_at).date()) <= settings.workdays:
                _remind(session, task, KIND_DUE_SOON, now=now, calendar=calendar, run=run)
                run.due_soon += 1
        if settings.mail is not None and run.mails:
            mail_settings, mails = settings.mail, list(run.mails)
            after_commit(session, lambda: _deliver(mail_settings, mails))
    return run


def _deliver(settings: MailSettings, mails: Sequence[Mail]) -> None:
    sent = send_all(settings, mails)
    log.info("reminder mails: %d of %d accepted", sent, len(mails))


def _open_tasks(
    session: Session, kind: str, *, due_before: datetime, due_after: datetime | None = None
) -> Sequence[HumanTask]:
    already = exists().where(and_(TaskReminder.task_id == HumanTask.id, TaskReminder.kind == kind))
    statement = select(HumanTask).where(
        HumanTask.status == TASK_OPEN,
        HumanTask.due_at.is_not(None),
        HumanTask.due_at < due_before,
        ~already,
    )
    if due_after is not None:
        statement = statement.where(HumanTask.due_at >= due_after)
    # Two workers never remind the same task: the second skips rows the first holds (PostgreSQL).
    statement = statement.order_by(HumanTask.due_at, HumanTask.id).with_for_update(
        skip_locked=True, of=HumanTask
    )
    return session.scalars(statement).all()


def recipients(session: Session, task: HumanTask) -> list[str]:
    """The assignee, else every active member of each candidate group ("role" or "role@department")."""
    if task.assignee:
        user = session.scalar(select(User).where(User.username == task.assignee, User.active.is_(True)))
        return [user.username] if user is not None else []
    found: set[str] = set()
    for group in (task.candidate_group or "").split(","):
        role, _, department = group.strip().partition("@")
        if not role:
            continue
        statement = select(User.username).where(User.active.is_(True), User.role == role)
        if department:
            statement = statement.where(User.department_code == department)
        found.update(session.scalars(statement))
    return sorted(found)


def _remind(
    session: Session,
    task: HumanTask,
    kind: str,
    *,
    now: datetime,
    calendar: BusinessCalendar,
    run: ReminderRun,
) -> None:
    assert task.due_at is not None
    people = recipients(session, task)
    title, body = _text(task, kind, now=now, calendar=calendar)
    petition_id = petition_id_of(task.business_key)
    for username in people:
        session.add(
            Notification(
                recipient=username,
                kind=kind,
                title=title,
                body=body,
                link=f"/work/tasks/{task.id}",
                task_id=task.id,
                petition_id=petition_id,
                business_key=task.business_key,
                created_at=now,
            )
        )
    session.add(
        TaskReminder(task_id=task.id, kind=kind, due_at=task.due_at, recipients=len(people), reminded_at=now)
    )
    run.notifications += len(people)
    if people:
        addresses = session.execute(
            select(UserContact.username, UserContact.email).where(UserContact.username.in_(people))
        ).all()
        run.mails.extend(
            Mail(to=email, subject=title, body=f"{body}\n\n{task.title}：/work/tasks/{task.id}")
            for _, email in addresses
        )
    if not people:
        log.warning("task %s (%s) has nobody to remind", task.id, task.candidate_group or task.assignee)


def _text(task: HumanTask, kind: str, *, now: datetime, calendar: BusinessCalendar) -> tuple[str, str]:
    assert task.due_at is not None
    due = to_local(task.due_at)
    petition_id = petition_id_of(task.business_key)
    subject = f"信访事项 {petition_id} 的" if petition_id is not None else ""
    when = due.strftime("%Y-%m-%d %H:%M")
    if kind == KIND_OVERDUE:
        return (
            f"任务已超期：{task.title}",
            f"{subject}任务「{task.title}」已于 {when} 到期，尚未办结。请尽快办理，并说明超期原因。",
        )
    left = calendar.workdays_between(to_local(now).date(), due.date())
    remaining = f"还剩 {left} 个工作日" if left > 0 else "今天到期"
    return (
        f"任务即将到期：{task.title}",
        f"{subject}任务「{task.title}」将于 {when} 到期（{remaining}），请及时办理。",
    )
