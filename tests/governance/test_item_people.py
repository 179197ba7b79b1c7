"""A governance item's 包抓领导 and 责任人 are stored as usernames; the dashboard's table of open items
and the items workbook (page and API) name them as people read them, by display name."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import Harness
from tests.web.support import WebClient


def _assigned_item(harness: Harness) -> int:
    api = harness.api
    opened = api.post(
        "/api/v1/governance/items",
        {"title": "二食堂饭菜价格上涨", "department": "logistics", "petition_ids": []},
        user="supervisor",
    )
    assert opened.status_code == 201, opened.get_json()
    item_id = int(opened.get_json()["item"]["id"])
    detail = api.get(f"/api/v1/governance/items/{item_id}", user="supervisor").get_json()
    task = next(t for t in detail["tasks"] if t["name"] == "assign")
    data = {
        "leader": "leader",
        "department": "logistics",
        "responsible_person": "logistics_head",
        "due_on": "2026-03-31",
        "track": "immediate",
        "plan": "约谈承包商，恢复原价",
    }
    done = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user="supervisor")
    assert done.status_code == 200, done.get_json()
    return item_id


def _people_columns(data: bytes) -> list[tuple[object, object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    leader, person = header.index("包抓领导"), header.index("责任人")
    return [(row[leader], row[person]) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_leaders_and_responsible_people_are_named_by_display_name(harness: Harness) -> None:
    _assigned_item(harness)
    names = ("王建国", "后勤处处长")  # the display names of `leader` and `logistics_head`
    api_export = harness.api.get("/api/v1/governance/items.xlsx", user="supervisor")
    assert _people_columns(api_export.data) == [names]
    web = WebClient(harness.api.client)
    web.login("supervisor")
    assert _people_columns(web.client.get("/work/governance/export/items.xlsx").data) == [names]
    page = web.text("/work/governance")
    table = page[page.index("在办源头治理事项") :]
    assert "<td>王建国</td>" in table and "<td>leader</td>" not in table
