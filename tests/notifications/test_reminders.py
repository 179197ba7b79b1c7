"""Task reminders: the right working day (weekends, holidays), once only, the right people, e-mail."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from service.clock import LOCAL_TZ
from service.identity.service import create_user
from service.jobs.schedule import job_named
from service.notifications.mailer import MailSettings
from service.notifications.models import Notification, TaskReminder
from service.notifications.reminders import ReminderRun, ReminderSettings, send_reminders
from service.notifications.service import set_email
from tests.conftest import Harness, petition_body
from tests.notifications.smtp_fake import fake_smtp_server


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def run(harness: Harness, settings: ReminderSettings | None = None) -> ReminderRun:
    return send_reminders(
        harness.db,
        clock=harness.clock,
        calendar=harness.services.calendar.current(),
        settings=settings or ReminderSettings(),
    )


def inbox(harness: Harness) -> list[Notification]:
    with harness.db.session() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def register_at(harness: Harness, moment: datetime) -> int:
    harness.clock.set(moment)
    petition_id: int = harness.api.register(petition_body())["id"]
    return petition_id


def test_reminder_fires_three_working_days_before_across_a_weekend_and_only_once(harness: Harness) -> None:
    pid = register_at(harness, at(2026, 3, 2))  # screening is due Tuesday 03-17 (D2, 15 days)
    harness.clock.set(at(2026, 3, 11, 18))  # Wed: Thu, Fri, Mon, Tue are 4 working days left
    assert run(harness).notifications == 0
    harness.clock.set(at(2026, 3, 12, 8))  # Thu: Fri, Mon, Tue — three, the weekend not counted
    first = run(harness)
    assert (first.due_soon, first.overdue, first.notifications) == (1, 0, 1)
    (note,) = inbox(harness)
    assert note.recipient == "assessor"  # screening's group is assessor@office
    assert (note.kind, note.petition_id, note.link) == ("task_due_soon", pid, f"/work/tasks/{note.task_id}")
    assert "还剩 3 个工作日" in note.body and "2026-03-17 23:59" in note.body
    harness.clock.set(at(2026, 3, 16, 9))
    assert run(harness).notifications == 0  # once per task


def test_a_holiday_block_moves_the_reminder_earlier(harness: Harness) -> None:
    register_at(harness, at(2026, 9, 23))  # + 15 = Thursday 10-08, right after Golden Week
    harness.clock.set(at(2026, 9, 27, 12))  # Sunday: 09-28, 09-29, 09-30, 10-08 are 4 working days
    assert run(harness).notifications == 0
    harness.clock.set(at(2026, 9, 28, 0, 5))  # Monday, ten calendar days before the due date
    assert run(harness).due_soon == 1
    assert "还剩 3 个工作日" in inbox(harness)[0].body


def test_the_lead_time_is_configurable(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    register_at(harness, at(2026, 3, 2))
    harness.clock.set(at(2026, 3, 12, 8))
    assert run(harness, ReminderSettings(workdays=1)).notifications == 0
    monkeypatch.setenv("PETITIONFLOW_REMINDER_WORKDAYS", "5")
    assert ReminderSettings.from_env().workdays == 5
    monkeypatch.setenv("PETITIONFLOW_REMINDER_WORKDAYS", "soon")
    assert ReminderSettings.from_env().workdays == 3
    monkeypatch.setenv("PETITIONFLOW_REMINDER_WORKDAYS", "1")
    monkeypatch.delenv("PETITIONFLOW_SMTP_HOST", raising=False)
    assert job_named("send-reminders").run(harness.services) == {
        "due_soon": 0,
        "overdue": 0,
        "notifications": 0,
        "mails": 0,
    }
    assert job_named("send-reminders").every_seconds == 600


def _dispatched_to_logistics(harness: Harness) -> int:
    pid = register_at(harness, at(2026, 3, 2))
    harness.api.complete(pid, "screening", "assessor", decision="accept", statutory_class="claim")
    harness.api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    with harness.db.transaction() as session:
        for username, department, active in (
            ("logistics_handler2", "logistics", True),
            ("old_handler", "logistics", False),
        ):
            user = create_user(
                session,
                username=username,
                role="handler",
                department=department,
                password="secret-1",
                now=harness.clock.now(),
            )
            user.active = active
    return pid


def test_the_candidate_group_is_scoped_to_its_department_and_closed_tasks_are_skipped(
    harness: Harness,
) -> None:
    pid = _dispatched_to_logistics(harness)  # sign_for (handler@logistics) is due Tuesday 03-03
    result = run(harness)
    notes = inbox(harness)
    assert {n.recipient for n in notes} == {"logistics_handler", "logistics_handler2"}
    assert result.due_soon == 1  # the completed screening and routing tasks are not reminded
    assert {n.title for n in notes} == {"任务即将到期：签收"}
    assert all(n.petition_id == pid for n in notes)


def test_an_assignee_alone_is_reminded_and_overdue_comes_once_after_the_due_moment(harness: Harness) -> None:
    pid = _dispatched_to_logistics(harness)
    task = harness.api.task(pid, "sign_for", "logistics_handler")
    assert harness.api.post(f"/api/v1/tasks/{task['id']}/claim", user="logistics_handler2").status_code == 200
    run(harness)
    assert [n.recipient for n in inbox(harness)] == ["logistics_handler2"]
    harness.clock.set(at(2026, 3, 3, 23, 59))
    assert run(harness).notifications == 0  # not yet overdue: the period ends at 24:00
    harness.clock.set(at(2026, 3, 4, 0, 1))
    overdue = run(harness)
    assert (overdue.overdue, overdue.due_soon, overdue.notifications) == (1, 0, 1)
    last = inbox(harness)[-1]
    assert (last.recipient, last.kind, last.title) == (
        "logistics_handler2",
        "task_overdue",
        "任务已超期：签收",
    )
    harness.clock.set(at(2026, 3, 5, 9))
    assert run(harness).notifications == 0
    with harness.db.session() as session:
        kinds = sorted(
            r.kind for r in session.scalars(select(TaskReminder).where(TaskReminder.task_id == task["id"]))
        )
    assert kinds == ["task_due_soon", "task_overdue"]


def test_reminders_are_emailed_after_commit_to_users_with_an_address(harness: Harness) -> None:
    _dispatched_to_logistics(harness)
    with harness.db.transaction() as session:
        set_email(
            session, username="logistics_handler", email="handler@example.edu.cn", now=harness.clock.now()
        )
    with fake_smtp_server() as (port, mailbox):
        settings = ReminderSettings(
            mail=MailSettings(host="127.0.0.1", port=port, sender="xfb@example.edu.cn")
        )
        result = run(harness, settings)
        assert result.notifications == 2 and len(result.mails) == 1
        (received,) = mailbox.messages  # only the user with an address; delivered by the time run() returns
    assert received.recipients == ["handler@example.edu.cn"]
    assert received.sender == "xfb@example.edu.cn"
    subject = received.message["Subject"]
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(subject))) == "任务即将到期：签收"
    body = received.message.get_payload(decode=True)
    assert isinstance(body, bytes) and "签收" in body.decode("utf-8")


def test_an_unreachable_smtp_server_does_not_lose_the_inbox(harness: Harness) -> None:
    _dispatched_to_logistics(harness)
    with harness.db.transaction() as session:
        set_email(
            session, username="logistics_handler", email="handler@example.edu.cn", now=harness.clock.now()
        )
    with fake_smtp_server() as (port, _):
        pass  # the port is closed again
    result = run(harness, ReminderSettings(mail=MailSettings(host="127.0.0.1", port=port, timeout_seconds=2)))
    assert result.notifications == 2 and len(inbox(harness)) == 2
