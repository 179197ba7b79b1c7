"""The 源头治理 dashboard page: numbers with charts, hot issues, items, exports; scoped by role."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from service.governance.bulk import insert_petitions
from service.governance.models import GovernanceItem
from tests.conftest import Harness
from tests.governance.handmade import at, march_set, register_hot_water
from tests.web.support import WebClient


@pytest.fixture
def web(harness: Harness) -> WebClient:
    return WebClient(harness.api.client)


def _data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="governance-data">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def test_the_dashboard_shows_numbers_charts_and_exports(harness: Harness, web: WebClient) -> None:
    with harness.db.transaction() as session:
        insert_petitions(session, march_set())
    harness.clock.set(at(4, 2))
    web.login("supervisor")
    page = web.text("/work/governance?kind=month&start=2026-03-01")
    assert "源头治理看板" in page and "2026年3月" in page and "76.9%" in page  # timely acceptance, 10 / 13
    # The two satisfaction rates say how they differ, so 100% beside 0% reads as what it is.
    assert "指标口径" in page and "不含“基本满意”" in page and 'title="已评价件中' in page
    data = _data(page)
    assert ["后勤处", 3, 3] in data["departments"]
    assert "/work/governance/echarts.min.js" in page and "<script>" not in page  # no inline script (CSP)
    export = web.client.get("/work/governance/export/metrics.xlsx?kind=month&start=2026-03-01")
    assert export.status_code == 200 and export.data[:2] == b"PK"


def test_a_department_sees_its_own_dashboard_only(harness: Harness, web: WebClient) -> None:
    with harness.db.transaction() as session:
        insert_petitions(session, march_set())
    harness.clock.set(at(4, 2))
    web.login("logistics_head")
    data = _data(web.text("/work/governance?kind=month&start=2026-03-01"))
    assert [row[0] for row in data["departments"]] == ["后勤处"]
    assert web.get("/work/governance?kind=month&start=2026-03-01&department=academic").status_code == 403


def test_office_turns_a_hot_issue_into_an_item(harness: Harness, web: WebClient) -> None:
    register_hot_water(harness.api)
    web.login("supervisor")
    page = web.text("/work/governance?kind=month&start=2026-03-01")
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key, page
    refused = web.post(
        "/work/governance/items", {"kind": "month", "start": "2026-03-01", "key": key.group(1)}, csrf=False
    )
    assert refused.status_code == 400
    done = web.post("/work/governance/items", {"kind": "month", "start": "2026-03-01", "key": key.group(1)})
    assert done.status_code == 302
    assert "已立项" in web.text("/work/governance?kind=month&start=2026-03-01")


def test_a_role_that_may_not_open_items_is_told_why(harness: Harness, web: WebClient) -> None:
    web.login("logistics_head")
    web.get("/work/governance?kind=month&start=2026-03-01")
    refused = web.post("/work/governance/items", {"kind": "month", "start": "2026-03-01", "key": "热水"})
    assert refused.status_code == 403
    assert "只有研判员、督办员、校领导可以将热点问题转为治理事项" in refused.get_data(as_text=True)
    with harness.db.session() as session:
        assert session.scalar(select(func.count()).select_from(GovernanceItem)) == 0
