"""The public portal: no login, the code shown once, no internal names, rate limits, evaluation."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from docx import Document

from service.clock import LOCAL_TZ
from service.ratelimit import EXTENSION_KEY, RateLimiter
from tests.conftest import Harness, petition_body
from tests.web.helpers import replied_petition, routed_petition
from tests.web.support import WebClient

SUBMISSION = {
    "request_type": "suggestion",
    "category": "logistics.canteen",
    "title": "建议食堂延长晚餐供应时间",
    "content": "晚上有课的同学下课后食堂已关闭。",
    "name": "李四",
    "phone": "13900001111",
    "kind": "student",
}


def _track(web: WebClient, code: str) -> str:
    web.get("/portal/track")
    response = web.post("/portal/track", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)
    return web.text("/portal/status")


def test_submission_shows_the_tracking_code_exactly_once(web: WebClient) -> None:
    web.get("/portal/submit")
    response = web.post("/portal/submit", SUBMISSION)
    assert response.status_code == 302
    page = web.text("/portal/submitted")
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', page)
    assert code is not None
    assert "只显示这一次" in page
    again = web.text("/portal/submitted")
    assert code.group(1) not in again
    assert "已显示过" in again
    assert "已登记" in _track(web, code.group(1))


def _form_fields(page: str, action: str) -> dict[str, str]:
    """The fields a page's form posting to `action` sends: what its submit button would post."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form is not None, f"no form posting to {action}"
    inputs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1))
    return {name: unescape(value) for name, value in inputs}


def test_the_next_step_after_submitting_carries_the_code_to_the_lookup(web: WebClient) -> None:
    web.get("/portal/submit")
    assert web.post("/portal/submit", SUBMISSION).status_code == 302
    page = web.get("/portal/submitted").get_data(as_text=True)
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', page)
    assert code is not None
    assert "只显示这一次" in page and "抄写" in page
    assert "dist/portal.js" in page  # the copy button
    fields = _form_fields(page, "/portal/track")
    assert fields["code"] == code.group(1)
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert not [url for url in urls if code.group(1) in url]  # the code never enters a URL

    # The button posts the code to the lookup: the status page follows, showing the code.
    response = web.client.post("/portal/track", data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/status")
    status = web.text("/portal/status")
    assert code.group(1) in status and "建议食堂延长晚餐供应时间" in status

    # Still shown only once; going back leads to the progress of the code already looked up.
    again = web.text("/portal/submitted")
    assert code.group(1) not in again and "已显示过" in again
    assert 'href="/portal/status"' in again
    assert code.group(1) in web.text("/portal/status")
    web.post("/portal/forget")
    assert web.get("/portal/status").headers["Location"].endswith("/portal/track")


@pytest.mark.browser
def test_the_code_is_copied_and_carried_in_the_browser(page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/portal/submit")
    page.select_option("#request_type", "suggestion")
    page.select_option("#category", "logistics.canteen")
    page.fill("#title", "建议图书馆延长开放时间")
    page.fill("#content", "考试周自习座位不够，建议图书馆延长开放到晚上十一点。")
    page.check("#anonymous")
    page.click("form.portal-form button.primary")
    page.wait_for_url(re.compile(r"/portal/submitted$"))
    code = page.locator("#tracking-code").inner_text().strip()
    page.click("#copy-code")
    page.wait_for_function("() => document.getElementById('copy-status').textContent !== ''")
    assert "已复制" in page.locator("#copy-status").inner_text()
    assert page.evaluate("() => navigator.clipboard.readText()") == code
    page.click("#track-now button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/status$"))
    assert code in page.locator(".code").inner_text()
    page.go_back()
    assert page.locator("#tracking-code").count() == 0  # still shown only once


def test_the_carried_lookup_counts_against_the_rate_limit(web: WebClient) -> None:
    web.get("/portal/submit")
    assert web.post("/portal/submit", SUBMISSION).status_code == 302
    fields = _form_fields(web.text("/portal/submitted"), "/portal/track")
    web.client.application.extensions[EXTENSION_KEY] = RateLimiter(lambda: 1, now=lambda: 60.0)
    assert web.client.post("/portal/track", data=fields).status_code == 302
    assert web.client.post("/portal/track", data=fields).status_code == 429


def test_anonymous_submission_keeps_no_name(web: WebClient, harness: Harness) -> None:
    web.get("/portal/submit")
    assert web.post("/portal/submit", SUBMISSION | {"anonymous": "1"}).status_code == 302
    web.login("assessor")
    html = web.text("/work/petitions?q=延长晚餐")
    pid = re.search(r'/work/petitions/(\d+)"', html)
    assert pid is not None
    detail = web.text(f"/work/petitions/{pid.group(1)}")
    assert "匿名" in detail
    assert "李四" not in detail


def test_invalid_submission_shows_inline_errors(web: WebClient) -> None:
    web.get("/portal/submit")
    response = web.post("/portal/submit", {"title": "", "content": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "标题不能为空" in html
    assert "请选择分类" in html


def test_the_public_page_shows_the_reply_and_no_internal_names_or_notes(
    web: WebClient, harness: Harness
) -> None:
    detail = replied_petition(harness)
    page = _track(web, detail["tracking_code"].lower())
    assert "经核查，二食堂部分窗口涨价未经审批" in page
    for internal in (
        "后勤处承办人",
        "logistics_handler",
        "研判员小李",
        "后勤处处长",
        "内部核查记录",
        "承包商王某",
        "交办单",
        "张三",
        "13812345678",
    ):
        assert internal not in page


def test_the_petitioner_evaluates_the_reply(web: WebClient, harness: Harness) -> None:
    detail = replied_petition(harness)
    _track(web, detail["tracking_code"])
    response = web.post(
        "/portal/evaluate", {"satisfaction": "satisfied", "resolved": "true", "comment": "谢谢"}
    )
    assert response.status_code == 302
    page = web.text("/portal/status")
    assert "感谢您的评价" in page
    assert "已办结" in page
    assert 'action="/portal/evaluate"' not in page
    assert harness.api.petition(detail["id"])["satisfaction"] == "satisfied"


def test_unknown_codes_are_not_found(web: WebClient) -> None:
    web.get("/portal/track")
    response = web.post("/portal/track", {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 404
    assert "查询码不存在" in response.get_data(as_text=True)


def test_public_posts_are_rate_limited(web: WebClient) -> None:
    web.client.application.extensions[EXTENSION_KEY] = RateLimiter(lambda: 3)
    web.get("/portal/track")
    statuses = [web.post("/portal/track", {"code": "AAAA-BBBB-CCCC"}).status_code for _ in range(5)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]
    assert "请求过于频繁" in web.post("/portal/track", {"code": "x"}).get_data(as_text=True)


def test_blank_choices_and_bad_phones_get_clear_messages(web: WebClient) -> None:
    web.get("/portal/submit")
    response = web.post("/portal/submit", SUBMISSION | {"request_type": ""})
    assert response.status_code == 422
    assert "请选择诉求类型" in response.get_data(as_text=True)
    response = web.post("/portal/submit", SUBMISSION | {"phone": "call me!"})
    assert response.status_code == 422
    assert "电话号码格式不正确" in response.get_data(as_text=True)


def test_the_petitioner_requests_a_review_within_the_window(web: WebClient, harness: Harness) -> None:
    detail = replied_petition(harness)
    page = _track(web, detail["tracking_code"])
    assert "请求复查" in page
    assert web.post("/portal/review", {"reason": ""}).status_code == 422
    response = web.post("/portal/review", {"reason": "答复未说明恢复原价的时间，请求复查。"})
    assert response.status_code == 302
    page = web.text("/portal/status")
    assert "已收到您的复查请求" in page
    assert 'action="/portal/review"' not in page
    assert "复查正在办理中" in page


def test_a_review_request_reads_as_received_until_the_office_forwards_it(
    web: WebClient, harness: Harness
) -> None:
    detail = replied_petition(harness)
    _track(web, detail["tracking_code"])
    today = harness.clock.now().astimezone(LOCAL_TZ).strftime("%Y-%m-%d")
    assert web.post("/portal/review", {"reason": "答复未说明恢复原价的时间，请求复查。"}).status_code == 302
    page = web.text("/portal/status")
    flash = re.search(r'<div class="flash flash-success"[^>]*>(.*?)</div>', page, re.S)
    assert flash is not None
    assert f"已收到您的复查请求（{today}）" in flash.group(1)
    assert "信访办将登记并报送有权处理的上级机关" in flash.group(1)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    assert timeline is not None
    assert "收到复查请求" in timeline.group(1)
    for premature in ("已登记复查", "并报送上级机关", "已报送", "已登记复查/复核请求并报送上级机关"):
        assert premature not in page, premature
    assert "信访办将登记并报送" in re.sub(r"<[^>]+>", "", page.split('id="review-state">')[1])

    # The office registers the request and forwards it: the page says so, with the body and date.
    harness.clock.advance(timedelta(days=1))
    forwarded = harness.clock.now().astimezone(LOCAL_TZ).strftime("%Y-%m-%d")
    harness.api.complete(
        detail["id"], "record_request", "assessor", review_body="省教育厅", request_summary="请求复查"
    )
    page = web.text("/portal/status")
    assert f"信访办已于 {forwarded} 登记您的复查请求并报送省教育厅" in page
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    assert timeline is not None
    entries = re.findall(r"</time> ([^<]+)</li>", timeline.group(1))
    assert entries.index("收到复查请求") < entries.index("信访办已登记复查请求并报送省教育厅")
    assert "将登记" not in page


def test_no_review_after_the_window(web: WebClient, harness: Harness) -> None:
    detail = replied_petition(harness)
    harness.clock.advance(timedelta(days=45))
    page = _track(web, detail["tracking_code"])
    assert 'action="/portal/review"' not in page
    assert "已超过请求复查的期限" in page


def _supervised(harness: Harness) -> dict[str, int]:
    """A routed petition under supervision: its notices by kind (acceptance, 交办单, 督办单)."""
    api = harness.api
    pid = routed_petition(harness)["id"]
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "拖延"}, user="supervisor")
    api.complete(
        pid,
        "issue_order",
        "supervisor",
        trigger="delay",
        problem="拖延",
        requirements="限期反馈",
        feedback_days=10,
    )
    docs = api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"]
    return {d["kind"]: d["id"] for d in docs} | {"petition": pid}


def test_the_status_page_lists_only_the_petitioners_own_notices(web: WebClient, harness: Harness) -> None:
    found = _supervised(harness)
    code = harness.api.petition(found["petition"])["tracking_code"]
    page = _track(web, code)
    notice = found["acceptance_notice"]
    assert "《受理告知书》" in page
    assert f'href="/portal/documents/{notice}.pdf"' in page
    assert f'href="/portal/documents/{notice}.docx"' in page
    for internal in ("交办单", "督办单", f"/portal/documents/{found['dispatch_form']}."):
        assert internal not in page
    assert f"/portal/documents/{found['supervision_order']}." not in page
    assert code not in "".join(re.findall(r'href="([^"]*)"', page))  # the code never enters a URL


def test_the_petitioner_downloads_their_notice_and_nothing_else(web: WebClient, harness: Harness) -> None:
    found = _supervised(harness)
    other = harness.api.register(petition_body(title="另一件事"))
    _track(web, harness.api.petition(found["petition"])["tracking_code"])
    pdf = web.client.get(f"/portal/documents/{found['acceptance_notice']}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    docx = web.client.get(f"/portal/documents/{found['acceptance_notice']}.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    assert "张三" in "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    other_notice = harness.api.get(f"/api/v1/petitions/{other['id']}/documents", user="assessor")
    other_ids = [d["id"] for d in other_notice.get_json()["items"]]
    for forbidden in (found["dispatch_form"], found["supervision_order"], *other_ids, 999_999):
        response = web.get(f"/portal/documents/{forbidden}.pdf")
        assert response.status_code == 404, forbidden
        assert "文书不存在" in response.get_data(as_text=True)
    web.post("/portal/forget")
    response = web.get(f"/portal/documents/{found['acceptance_notice']}.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/track")


def test_notice_downloads_count_against_the_public_rate_limit(web: WebClient, harness: Harness) -> None:
    found = _supervised(harness)
    _track(web, harness.api.petition(found["petition"])["tracking_code"])
    web.client.application.extensions[EXTENSION_KEY] = RateLimiter(lambda: 1, now=lambda: 60.0)
    url = f"/portal/documents/{found['acceptance_notice']}.pdf"
    assert [web.client.get(url).status_code for _ in range(2)] == [200, 429]
