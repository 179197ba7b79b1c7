"""A governance item's life through the HTTP API: opened with linked petitions, responsibility
assigned, fixed now (立行立改) or pushed on with monthly reports (持续推进), reviewed by the leader,
summed up; the petitioner's public timeline shows the fix without internal names."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.clock import LOCAL_TZ
from service.engine.sweeper import TimerSweeper
from tests.conftest import Harness, petition_body


def _task(harness: Harness, item_id: int, name: str, user: str) -> dict:
    detail = harness.api.get(f"/api/v1/governance/items/{item_id}", user=user).get_json()
    matching = [t for t in detail["tasks"] if t["name"] == name]
    assert matching, detail["tasks"]
    return matching[0]


def _complete(harness: Harness, item_id: int, name: str, user: str, **data: object) -> None:
    task = _task(harness, item_id, name, user)
    response = harness.api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user=user)
    assert response.status_code == 200, response.get_json()


def _open(harness: Harness, petition_ids: list[int]) -> int:
    response = harness.api.post(
        "/api/v1/governance/items",
        {"title": "二食堂饭菜价格上涨", "department": "logistics", "petition_ids": petition_ids},
        user="supervisor",
    )
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["item"]["id"])


def test_fix_now_reviewed_by_the_leader_and_shown_to_the_petitioner(any_harness: Harness) -> None:
    harness, api = any_harness, any_harness.api
    created = api.register(petition_body())
    item_id = _open(harness, [created["id"]])
    detail = api.get(f"/api/v1/governance/items/{item_id}", user="supervisor").get_json()
    assert detail["item"]["status"] == "assigning" and detail["petitions"][0]["id"] == created["id"]
    # the responsible person must work in the responsible department
    task = _task(harness, item_id, "assign", "supervisor")
    refused = api.post(
        f"/api/v1/tasks/{task['id']}/complete",
        {
            "data": {
                "leader": "leader",
                "department": "logistics",
                "responsible_person": "academic_handler",
                "due_on": "2026-03-31",
                "track": "immediate",
                "plan": "约谈承包商，恢复原价",
            }
        },
        user="supervisor",
    )
    assert refused.status_code == 422 and "responsible_person" in refused.get_json()["errors"]
    _complete(
        harness,
        item_id,
        "assign",
        "supervisor",
        leader="leader",
        department="logistics",
        responsible_person="logistics_head",
        due_on="2026-03-31",
        track="immediate",
        plan="约谈承包商，恢复原价",
    )
    item = api.get(f"/api/v1/governance/items/{item_id}", user="logistics_head").get_json()
    assert item["item"]["status"] == "rectifying" and item["item"]["track_label"] == "立行立改"
    rectify = _task(harness, item_id, "rectify", "logistics_head")
    assert rectify["assignee"] == "logistics_head"
    assert rectify["due_at"].startswith("2026-03-31T23:59:59")  # the end of the 解决时限's own day
    _complete(harness, item_id, "rectify", "logistics_head", result="已恢复原价并公示价格")
    _complete(
        harness, item_id, "leader_review", "leader", review_decision="rework", review_opinion="补充价格公示"
    )
    _complete(harness, item_id, "rectify", "logistics_head", result="价格公示牌已安装")
    _complete(
        harness, item_id, "leader_review", "leader", review_decision="approve", review_opinion="同意销号"
    )
    _complete(
        harness, item_id, "summarise", "supervisor", summary="已整改", mechanism="食堂调价须提前公示并听证"
    )
    final = api.get(f"/api/v1/governance/items/{item_id}", user="supervisor").get_json()
    assert final["item"]["status"] == "closed" and final["item"]["closed_on_time"] is True
    assert final["item"]["mechanism"] == "食堂调价须提前公示并听证"
    assert [r["kind"] for r in final["reports"]] == ["closure", "review", "closure", "review", "summary"]
    public = api.get(f"/api/v1/public/petitions/{created['tracking_code']}").get_json()
    events = [e["event"] for e in public["timeline"]]
    assert "您反映的问题已列入学校源头治理事项，明确了责任部门和解决时限" in events
    assert "相关源头治理事项已整改完成，经包抓领导审核销号" in events
    assert "logistics_head" not in str(public) and "leader" not in str(public["timeline"])


def test_ongoing_item_asks_for_a_progress_report_every_month(harness: Harness) -> None:
    api = harness.api
    item_id = _open(harness, [])
    _complete(
        harness,
        item_id,
        "assign",
        "supervisor",
        leader="leader",
        department="logistics",
        responsible_person="logistics_head",
        due_on="2026-09-30",
        track="ongoing",
        plan="改造热水管网",
    )
    sweeper = TimerSweeper(harness.services.runtime)
    assert sweeper.sweep(as_of=datetime(2026, 3, 31, 9, tzinfo=LOCAL_TZ)).fired == 0
    first = datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ) + timedelta(days=30)
    assert sweeper.sweep(as_of=first).fired == 1
    _complete(harness, item_id, "progress_report", "logistics_head", progress="完成管网勘察", percent=30)
    assert sweeper.sweep(as_of=first + timedelta(days=31)).fired == 1
    _complete(harness, item_id, "progress_report", "logistics_head", progress="完成一期改造", percent=60)
    _complete(harness, item_id, "push_forward", "logistics_head", result="热水管网改造完成")
    _complete(harness, item_id, "leader_review", "leader", review_decision="approve", review_opinion="同意")
    detail = api.get(f"/api/v1/governance/items/{item_id}", user="supervisor").get_json()
    assert [(r["kind"], r["percent"]) for r in detail["reports"]][:2] == [("progress", 30), ("progress", 60)]
    assert detail["item"]["status"] == "summarising"
    assert sweeper.sweep(as_of=first + timedelta(days=200)).fired == 0  # the cycle ended with the work


def test_a_department_sees_only_its_items_and_the_public_none(harness: Harness) -> None:
    api = harness.api
    item_id = _open(harness, [])
    assert api.get("/api/v1/governance/items", user="academic_handler").get_json()["items"] == []
    assert api.get(f"/api/v1/governance/items/{item_id}", user="academic_handler").status_code == 404
    assert [
        i["id"] for i in api.get("/api/v1/governance/items", user="logistics_head").get_json()["items"]
    ] == [item_id]
    assert api.get("/api/v1/governance/items").status_code == 401
    assert (
        api.post("/api/v1/governance/items", {"title": "x" * 5}, user="logistics_handler").status_code == 403
    )
    export = api.get("/api/v1/governance/items.xlsx", user="supervisor")
    assert export.status_code == 200 and export.data[:2] == b"PK"
