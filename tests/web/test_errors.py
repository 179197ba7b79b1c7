"""Addresses that lead nowhere: pages answer with a Chinese page, the API with problem+json."""

from __future__ import annotations

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
