"""A governance item's tasks as their people work them: a task assigned to a person by name stays
with that person (there is no group to hand it back to); its deadlines end at 23:59 of their last
day, as every other task's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from service.engine.sweeper import TimerSweeper
from tests.conftest import START, Harness
from tests.web.support import WebClient

ASSIGNMENT = {
    "leader": "leader",
    "department": "logistics",
    "responsible_person": "logistics_head",
    "due_on": "2026-12-31",
    "track": "immediate",
    "plan": "约谈承包商，恢复原价",
}


def _task(harness: Harness, item_id: int, name: str, user: str) -> dict[str, Any]:
    detail = harness.api.get(f"/api/v1/governance/items/{item_id}", user=user).get_json()
    (task,) = [t for t in detail["tasks"] if t["name"] == name]
    return dict(task)


def _assigned(harness: Harness, **assignment: str) -> int:
    """An item opened by the office and assigned: its rectify (or push_forward) task is open."""
    opened = harness.api.post(
        "/api/v1/governance/items",
        {"title": "二食堂饭菜价格上涨", "department": "logistics"},
        user="supervisor",
    )
    assert opened.status_code == 201, opened.get_json()
    item_id = int(opened.get_json()["item"]["id"])
    task = _task(harness, item_id, "assign", "supervisor")
    done = harness.api.post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": {**ASSIGNMENT, **assignment}}, user="supervisor"
    )
    assert done.status_code == 200, done.get_json()
    return item_id


def test_a_task_assigned_by_name_cannot_be_released_and_offers_no_release(harness: Harness) -> None:
    item_id = _assigned(harness)
    rectify = _task(harness, item_id, "rectify", "logistics_head")
    refused = harness.api.post(f"/api/v1/tasks/{rectify['id']}/release", user="logistics_head")
    assert refused.status_code == 409
    assert "不能退回" in refused.get_json()["detail"]
    assert _task(harness, item_id, "rectify", "logistics_head")["assignee"] == "logistics_head"
    web = WebClient(harness.api.client)
    web.login("logistics_head")
    page = web.text(f"/work/tasks/{rectify['id']}")
    assert "提交" in page and "退回到组待办" not in page


def test_the_fix_is_due_at_the_end_of_its_solution_date(harness: Harness) -> None:
    item_id = _assigned(harness)
    rectify = _task(harness, item_id, "rectify", "logistics_head")
    assert rectify["due_at"].startswith("2026-12-31T23:59:59")
    web = WebClient(harness.api.client)
    web.login("logistics_head")
    assert "办理时限：2026-12-31 23:59" in web.text(f"/work/tasks/{rectify['id']}")


def test_ongoing_work_and_its_progress_reports_are_due_at_the_end_of_their_day(harness: Harness) -> None:
    item_id = _assigned(harness, track="ongoing", due_on="2026-09-30")
    assert _task(harness, item_id, "push_forward", "logistics_head")["due_at"].startswith(
        "2026-09-30T23:59:59"
    )
    tick = START + timedelta(days=30)  # the first monthly report is asked for on 2026-04-01 09:00
    assert TimerSweeper(harness.services.runtime).sweep(as_of=tick).fired == 1
    report = _task(harness, item_id, "progress_report", "logistics_head")
    assert report["due_at"].startswith("2026-04-08T23:59:59")  # a week to write it, to the day's end
