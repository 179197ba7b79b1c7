"""The pages other domains added to, in a real browser: the petition page with its case leader,
supervision, review and duplicate proposals, and the menu's governance, campaign and reception pages
in Chinese and English. Screenshots go to test-artifacts/screenshots/3x-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from service.app import create_app
from service.container import build_services
from tests.conftest import handled_and_served, petition_body
from tests.support import ApiClient
from tests.web.conftest import LiveServer
from tests.web.support import login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def api(live_server: LiveServer) -> Iterator[ApiClient]:
    """The API of a second app on the live server's database, to put petitions where a page needs them."""
    services = build_services(live_server.settings)
    yield ApiClient(create_app(live_server.settings, services=services).test_client(), services)
    services.db.dispose()


def _followed_petition(api: ApiClient) -> tuple[int, str]:
    """A repeated complaint, answered, supervised, owned by a leader and under 复查."""
    earlier = api.register(petition_body())
    pid = api.register(petition_body(title="二食堂饭菜价格上涨，再次反映"))["id"]
    api.complete(pid, "screening", "assessor", decision="accept", statutory_class="claim")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    assert api.post("/api/v1/reception/cases", {"petition_id": pid}, user="leader").status_code == 201
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "群众多次来电催办"}, user="supervisor")
    api.complete(
        pid,
        "issue_order",
        "supervisor",
        trigger="delay",
        level="key",
        problem="进度缓慢",
        requirements="十日内反馈",
    )
    handled_and_served(
        api,
        pid,
        findings="价格上涨属实，已约谈承包商。",
        outcome="support",
        text="经核查，价格上涨属实，已责令恢复原价。",
        delivery="electronic",
    )
    code = api.petition(pid)["tracking_code"]
    api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "答复未说明恢复原价的时间"})
    api.complete(pid, "record_request", "assessor", review_body="省教育厅", request_summary="请求复查")
    return pid, earlier["tracking_code"]


def test_the_petition_page_shows_what_other_domains_know(page: Any, api: ApiClient, shots: Path) -> None:
    pid, earlier = _followed_petition(api)
    login(page, "assessor")
    page.goto(f"/work/petitions/{pid}")
    assert page.locator("#case-leader").inner_text() == "王建国"
    assert earlier in page.locator("#duplicates").inner_text()
    supervision = page.locator("#supervision-list").inner_text()
    assert "重点督办" in supervision and "督办反馈" in supervision
    assert "省教育厅" in page.locator("#review-list").inner_text()
    page.locator("ol.timeline details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    assert "甄别结论" in page.locator("ol.timeline").inner_text()
    page.screenshot(path=shots / "30-petition-followed.png", full_page=True)
    page.goto(f"/lang/en?next=/work/petitions/{pid}")
    assert "Supervision and review" in page.locator("#supervision").inner_text()
    page.screenshot(path=shots / "31-petition-followed-en.png", full_page=True)


def test_the_menu_pages_in_chinese_and_english(page: Any, api: ApiClient, shots: Path) -> None:
    today = date.today()
    first, last = today.replace(day=1), today.replace(day=28)
    generated = api.post(
        "/api/v1/reception/roster/generate",
        {"from": first.isoformat(), "to": last.isoformat(), "replace": True},
        user="assessor",
    )
    assert generated.status_code == 201, generated.get_json()
    login(page, "assessor")
    menu = page.locator("header.topbar nav")
    for label, url, shot in (
        ("源头治理", "/work/governance", "32-governance"),
        ("专项行动", "/work/campaigns", "33-campaigns"),
        ("领导接访", "/work/reception/roster", "34-roster"),
    ):
        menu.get_by_role("link", name=label).click()
        page.wait_for_url(re.compile(url))
        assert menu.locator("a.active").inner_text() == label
        page.wait_for_timeout(1200)  # let the charts finish their entry animation
        page.screenshot(path=shots / f"{shot}.png", full_page=True)
    page.wait_for_selector("#roster")
    page.goto("/lang/en?next=/work/governance")
    page.wait_for_selector("#chart-departments canvas")
    assert "Source governance dashboard" in page.locator("h1").inner_text()
    page.wait_for_timeout(1200)
    page.screenshot(path=shots / "32-governance-en.png", full_page=True)
    menu.get_by_role("link", name="Campaigns").click()
    assert "Start a campaign" in page.locator("#start-campaign h2").inner_text()
    page.screenshot(path=shots / "33-campaigns-en.png", full_page=True)
    menu.get_by_role("link", name="Leaders' reception").click()
    assert page.locator("#roster tbody tr").first.locator("td").nth(1).inner_text() in {
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    }
    page.screenshot(path=shots / "34-roster-en.png", full_page=True)
