"""Addresses that lead nowhere: pages answer with a Chinese page, the API with problem+json."""

from __future__ import annotations

import re

from werkzeug.test import TestResponse

from service.ratelimit import EXTENSION_KEY, RateLimiter
from tests.conftest import Harness
from tests.web.support import WebClient


def test_an_unknown_page_address_gets_a_chinese_page(web: WebClient) -> None:
    for path in ("/portal/nope", "/work/no-such-page"):
        response = web.get(path)
        text = response.get_data(as_text=True)
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert "页面不存在" in text and "The requested URL" not in text
    web.login("assessor")
    response = web.get("/work/petitions/abc")  # not a petition number
    assert response.status_code == 404 and "您访问的页面不存在" in response.get_data(as_text=True)


def test_an_unknown_api_address_stays_problem_json_in_chinese(harness: Harness) -> None:
    response = harness.api.get("/api/v1/no-such-thing", user="assessor")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "请求的地址不存在"


def test_the_site_icon_is_served(web: WebClient) -> None:
    response = web.get("/favicon.ico")
    assert response.status_code == 302
    icon = web.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()


def _title(response: TestResponse) -> str:
    found = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)
    assert found is not None
    return found.group(1)


def test_errors_on_staff_addresses_wear_the_workbench_not_the_portal(
    web: WebClient, harness: Harness
) -> None:
    signed_out = web.get("/work/no-such-page")
    assert signed_out.status_code == 404 and _title(signed_out) == "页面不存在 · 信访工作平台"
    page = signed_out.get_data(as_text=True)
    assert "信访工作台" in page and "网上信访" not in page and 'href="/login"' in page
    harness.api.client.application.extensions[EXTENSION_KEY] = RateLimiter(
        lambda: 2, now=lambda: harness.clock.now().timestamp()
    )
    web.get("/login")
    wrong = [web.post("/login", {"username": "assessor", "password": "wrong"}) for _ in range(3)]
    assert [r.status_code for r in wrong] == [401, 401, 429]
    refused = wrong[-1].get_data(as_text=True)
    assert _title(wrong[-1]) == "请求过于频繁 · 信访工作平台" and "网上信访" not in refused
    harness.api.client.application.extensions[EXTENSION_KEY] = RateLimiter(lambda: 20)  # a new minute
    web.login("assessor")
    signed_in = web.get("/work/no-such-page")
    assert signed_in.status_code == 404 and _title(signed_in) == "页面不存在 · 信访工作平台"
    assert "我的待办" in signed_in.get_data(as_text=True)  # the workbench's menu, for who is signed in
    # The portal's addresses keep the portal's title, whoever asks.
    assert _title(web.get("/portal/nope")) == "页面不存在 · 网上信访"
    web.post("/logout")
    assert _title(web.get("/portal/nope")) == "页面不存在 · 网上信访"
