"""A governance item's tasks as their people work them: a task assigned to a person by name stays
with that person (there is no group to hand it back to); its deadlines end at 23:59 of their last
day, as every other task's; each task says which item it is about, who answers for it, the plan,
the deadline and the last result, and the task list names the item. Whoever turns a hot issue into
an item is told who takes its next step."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from service.engine.sweeper import TimerSweeper
from tests.conftest import START, Harness
from tests.governance.handmade import register_hot_water
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


def _complete(harness: Harness, item_id: int, name: str, user: str, **data: Any) -> None:
    task = _task(harness, item_id, name, user)
    done = harness.api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user=user)
    assert done.status_code == 200, done.get_json()


def _opened(harness: Harness, **opening: Any) -> int:
    opened = harness.api.post(
        "/api/v1/governance/items",
        {"title": "二食堂饭菜价格上涨", "department": "logistics", **opening},
        user="supervisor",
    )
    assert opened.status_code == 201, opened.get_json()
    return int(opened.get_json()["item"]["id"])


def _assigned(harness: Harness, **assignment: str) -> int:
    """An item opened by the office and assigned: its rectify (or push_forward) task is open."""
    item_id = _opened(harness)
    _complete(harness, item_id, "assign", "supervisor", **{**ASSIGNMENT, **assignment})
    return item_id


def _context(harness: Harness, item_id: int, name: str, user: str) -> dict[str, str]:
    """What the task page shows above the form, by title."""
    web = WebClient(harness.api.client)
    web.login(user)
    page = web.text(f"/work/tasks/{_task(harness, item_id, name, user)['id']}")
    block = re.search(r'<dl class="facts task-context".*?</dl>', page, re.S)
    assert block, f"{name} shows no context"
    return {t: v.strip() for t, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(0), re.S)}


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


def test_each_task_of_an_item_says_what_it_is_about(harness: Harness) -> None:
    item_id = _opened(harness, description="三月以来学生多次反映饭菜涨价")
    about = {"治理事项": "二食堂饭菜价格上涨", "立项说明": "三月以来学生多次反映饭菜涨价"}
    assert _context(harness, item_id, "assign", "supervisor") == about
    _complete(harness, item_id, "assign", "supervisor", **ASSIGNMENT)
    charge = {
        **about,
        "包抓领导": "王建国",
        "责任部门": "后勤处",
        "解决时限": "2026-12-31",
        "整改措施": "约谈承包商，恢复原价",
    }
    assert _context(harness, item_id, "rectify", "logistics_head") == charge
    _complete(harness, item_id, "rectify", "logistics_head", result="已恢复原价")
    review = _context(harness, item_id, "leader_review", "leader")
    assert review["治理事项"] == "二食堂饭菜价格上涨" and review["责任人"] == "后勤处处长（后勤处）"
    assert review["整改措施"] == "约谈承包商，恢复原价" and review["整改结果"] == "已恢复原价"
    assert review["整改方式"] == "立行立改" and review["解决时限"] == "2026-12-31"
    _complete(
        harness, item_id, "leader_review", "leader", review_decision="rework", review_opinion="补充价格公示"
    )
    again = _context(harness, item_id, "rectify", "logistics_head")
    assert again == {**charge, "包抓领导意见（继续整改）": "补充价格公示"}
    _complete(harness, item_id, "rectify", "logistics_head", result="价格公示牌已安装")
    _complete(
        harness, item_id, "leader_review", "leader", review_decision="approve", review_opinion="同意销号"
    )
    summary = _context(harness, item_id, "summarise", "supervisor")
    assert summary["治理事项"] == "二食堂饭菜价格上涨" and summary["整改结果"] == "价格公示牌已安装"
    assert summary["包抓领导审核意见"] == "同意销号" and summary["责任部门"] == "后勤处"


def test_ongoing_work_and_its_reports_name_the_item_and_the_plan(harness: Harness) -> None:
    item_id = _assigned(harness, track="ongoing", due_on="2026-09-30", plan="改造热水管网")
    pushed = _context(harness, item_id, "push_forward", "logistics_head")
    assert pushed["治理事项"] == "二食堂饭菜价格上涨" and pushed["整改措施"] == "改造热水管网"
    assert pushed["解决时限"] == "2026-09-30" and pushed["包抓领导"] == "王建国"
    assert TimerSweeper(harness.services.runtime).sweep(as_of=START + timedelta(days=30)).fired == 1
    report = _context(harness, item_id, "progress_report", "logistics_head")
    assert report["治理事项"] == "二食堂饭菜价格上涨" and report["整改措施"] == "改造热水管网"


def test_the_task_list_names_a_governance_task_s_item(harness: Harness) -> None:
    _assigned(harness)
    web = WebClient(harness.api.client)
    web.login("logistics_head")
    row = re.search(r"<tr class=\"due-row[^>]*>.*?</tr>", web.text("/work/tasks"), re.S)
    assert row and "立行立改" in row.group(0) and "二食堂饭菜价格上涨" in row.group(0)
    assert "二食堂饭菜价格上涨" in web.text("/work/tasks?q=饭菜价格")  # found by the item's title


def _flash_after_opening_the_hot_issue(harness: Harness, user: str) -> str:
    web = WebClient(harness.api.client)
    web.login(user)
    page = web.text("/work/governance?kind=month&start=2026-03-01")
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key, page
    done = web.post("/work/governance/items", {"kind": "month", "start": "2026-03-01", "key": key.group(1)})
    assert done.status_code == 302
    flash = re.search(
        r'<div class="flash flash-success"[^>]*>(.*?)</div>', web.text(done.headers["Location"])
    )
    assert flash, "no message after opening the item"
    return flash.group(1)


def test_opening_an_item_says_who_assigns_the_responsibility(harness: Harness) -> None:
    register_hot_water(harness.api)
    said = _flash_after_opening_the_hot_issue(harness, "leader")  # the leader does not assign it
    assert "由督办员·党政办公室（信访办）办理" in said and "明确包抓领导、责任部门、责任人和解决时限" in said
    assert "请在待办中" not in said
    said = _flash_after_opening_the_hot_issue(harness, "supervisor")  # the supervisor does
    assert "已在您的待办中" in said
