"""The pages other domains added to, in a real browser: the petition page with its case leader,
supervision, review and duplicate proposals, and the menu's governance, campaign and reception pages
in Chinese and English. Screenshots go to test-artifacts/screenshots/3x-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.app import create_app
from service.container import build_services
from tests.conftest import petition_body
from tests.support import ApiClient
from tests.web.conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def api(live_server: LiveServer) -> Iterator[ApiClient]:
    """The API of a second app on the live server's database, to put petitions where a page needs them."""
    services = build_services(live_server.settings)
    yield ApiClient(create_app(live_server.settings, services=services).test_client(), services)
    services.db.dispose()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def login(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/work/tasks"))


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
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="价格上涨属实，已约谈承包商。")
    api.complete(
        pid,
        "draft_reply",
        "logistics_handler",
        reply_outcome="support",
        reply_text="经核查，价格上涨属实，已责令恢复原价。",
    )
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="electronic")
    code = api.petition(pid)["tracking_code"]
    api.post(f"/api/v1/public/petitions/{code}/review", {"reason": "答复未说明恢复原价的时间"})
    api.complete(pid, "record_request", "assessor", review_body="省教育厅", request_summary="请求复查")
    return pid, earlier["tracking_code"]


def test_the_petition_page_shows_what_other_domains_know(page: Any, api: ApiClient, shots: Path) -> None:
    pid, earlier = _followed_petition(api)
    login(page, "assessor")
    page.goto(f"/work/petitions/{pid}")
    assert page.locator("#case-leader").inner_text() == "分管校领导"
    assert earlier in page.locator("#duplicates").inner_text()
    supervision = page.locator("#supervision-list").inner_text()
    assert "重点督办" in supervision and "督办反馈" in supervision
    assert "省教育厅" in page.locator("#review-list").inner_text()
    page.screenshot(path=shots / "30-petition-followed.png", full_page=True)
    page.goto(f"/lang/en?next=/work/petitions/{pid}")
    assert "Supervision and review" in page.locator("#supervision").inner_text()
    page.screenshot(path=shots / "31-petition-followed-en.png", full_page=True)
