"""The inbox API: each user sees and marks only their own notifications."""

from __future__ import annotations

from datetime import datetime

from service.clock import LOCAL_TZ
from service.notifications.reminders import ReminderSettings, send_reminders
from tests.conftest import Harness, petition_body


def remind_assessor_twice(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ))
    harness.api.register(petition_body())
    harness.api.register(petition_body(title="宿舍热水供应不足"))
    harness.clock.set(datetime(2026, 3, 12, 9, tzinfo=LOCAL_TZ))
    calendar = harness.services.calendar.current()
    send_reminders(harness.db, clock=harness.clock, calendar=calendar, settings=ReminderSettings())


def test_a_user_lists_and_marks_their_own_notifications(harness: Harness) -> None:
    api = harness.api
    remind_assessor_twice(harness)
    body = api.get("/api/v1/notifications", user="assessor").get_json()
    assert body["total"] == 2 and body["unread"] == 2
    newest, older = body["items"]
    assert newest["id"] > older["id"] and newest["read_at"] is None
    assert newest["created_at"] == "2026-03-12T09:00:00+08:00"
    assert newest["kind"] == "task_due_soon" and newest["petition_id"] is not None

    assert api.get("/api/v1/notifications", user="registrar").get_json() == {
        "items": [],
        "total": 0,
        "unread": 0,
    }
    assert api.post(f"/api/v1/notifications/{newest['id']}/read", user="registrar").status_code == 404
    assert api.post("/api/v1/notifications/read-all", user="registrar").get_json() == {"updated": 0}
    assert api.get("/api/v1/notifications?unread=true", user="assessor").get_json()["total"] == 2

    read = api.post(f"/api/v1/notifications/{newest['id']}/read", user="assessor")
    assert read.status_code == 200 and read.get_json()["read_at"] == "2026-03-12T09:00:00+08:00"
    unread = api.get("/api/v1/notifications?unread=true", user="assessor").get_json()
    assert [n["id"] for n in unread["items"]] == [older["id"]] and unread["unread"] == 1
    assert api.post("/api/v1/notifications/read-all", user="assessor").get_json() == {"updated": 1}
    assert api.get("/api/v1/notifications", user="assessor").get_json()["unread"] == 0
    assert api.get("/api/v1/notifications").status_code == 401


def test_a_user_sets_the_address_reminders_are_emailed_to(harness: Harness) -> None:
    api = harness.api
    headers = {"Authorization": f"Bearer {api.token('logistics_handler')}"}
    bad = api.client.put("/api/v1/notifications/contact", json={"email": "not-an-address"}, headers=headers)
    assert bad.status_code == 422 and "email" in bad.get_json()["errors"]
    assert api.get("/api/v1/notifications/contact", user="logistics_handler").get_json() == {"email": None}
    ok = api.client.put("/api/v1/notifications/contact", json={"email": "h@example.edu.cn"}, headers=headers)
    assert ok.get_json() == {"email": "h@example.edu.cn"}
    assert api.get("/api/v1/notifications/contact", user="logistics_handler").get_json() == {
        "email": "h@example.edu.cn"
    }
    assert api.get("/api/v1/notifications/contact", user="academic_handler").get_json() == {"email": None}
    api.client.put("/api/v1/notifications/contact", json={"email": None}, headers=headers)
    assert api.get("/api/v1/notifications/contact", user="logistics_handler").get_json() == {"email": None}
