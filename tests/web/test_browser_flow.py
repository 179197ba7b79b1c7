"""A petition's whole closed loop in a real browser (Debian chromium driven by Playwright).

The registrar registers a visit, the assessor screens and routes it, the logistics handler signs
for it, handles it and drafts the reply, the head signs off, the handler serves the reply, and the
public portal shows the reply and takes the petitioner's evaluation. Every page is screenshotted
into test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.support import login

pytestmark = pytest.mark.browser

REPLY = "经核查，二食堂部分窗口涨价未经审批，已责令恢复原价。"


def logout(page: Any) -> None:
    page.click("text=退出")
    page.wait_for_url(re.compile(r"/login"))


def open_task(page: Any, title: str, code: str) -> None:
    page.goto("/work/tasks")
    # By the code's first block: the handling department sees no more of it (the petitioner's key).
    row = page.locator("#task-list tbody tr", has_text=code[:4]).filter(has_text=title)
    row.locator("a.task-link").click()
    page.wait_for_selector("form.schema-form")


def submit_task(page: Any) -> None:
    page.click("form.schema-form button.primary")
    page.wait_for_url(re.compile(r"/work/tasks$"))
    assert page.locator(".flash-success").count() == 1


def test_closed_loop_in_the_browser(page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    # The registrar registers a visit.
    login(page, "registrar")
    page.click("text=登记")
    page.select_option("#channel", "visit")
    page.select_option("#request_type", "complaint")
    page.select_option("#category", "logistics.canteen")
    page.fill("#title", "二食堂饭菜价格上涨<script>alert(1)</script>")
    page.fill("#content", "近两周二食堂多个窗口饭菜价格上涨约两成，希望学校核查。")
    page.fill("#petitioner_name", "张三")
    page.fill("#petitioner_phone", "13812345678")
    page.select_option("#petitioner_kind", "student")
    page.screenshot(path=shots / "01-register.png", full_page=True)
    page.click("form button.primary")
    page.wait_for_url(re.compile(r"/work/petitions/\d+$"))
    code = page.locator(".petition-card .code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert "<script>" in page.locator(".petition-card h2").inner_text()  # shown as text, not run
    page.screenshot(path=shots / "02-registered.png", full_page=True)
    logout(page)

    # The assessor screens and routes it; the routing form first shows an inline error.
    login(page, "assessor")
    page.screenshot(path=shots / "03-assessor-tasks.png", full_page=True)
    open_task(page, "审核甄别", code)
    # The page script shows the reason and route only for 不予受理 / 告知转送 (expect() waits for it).
    expect(page.locator("#f-reason")).to_be_hidden()
    page.check("input[name=decision][value=not_accept]")
    expect(page.locator("#f-reason")).to_be_visible()
    expect(page.locator("#f-route")).to_be_visible()
    expect(page.locator("#f-duplicate_of")).to_be_hidden()
    page.check("input[name=decision][value=accept]")
    expect(page.locator("#f-reason")).to_be_hidden()
    page.select_option("#f-statutory_class", "claim")
    page.screenshot(path=shots / "04-screening-form.png", full_page=True)
    submit_task(page)
    open_task(page, "分流", code)
    page.select_option("#f-department", "")  # the routing table proposes one; clear it to see the check
    page.click("form.schema-form button.primary")
    assert page.locator("[data-field=department] .field-error").inner_text() == "主办部门为必填项"
    page.screenshot(path=shots / "05-routing-error.png", full_page=True)
    page.select_option("#f-department", "logistics")
    submit_task(page)
    logout(page)

    # The logistics handler signs for it, handles it and drafts the reply.
    login(page, "logistics_handler")
    open_task(page, "签收", code)
    assert code not in page.content() and f"{code[:4]}-····-····" in page.content()
    page.check("input[name=sign_result][value=sign]")
    submit_task(page)
    open_task(page, "办理", code)
    page.fill("#f-findings", "经核查，价格上涨属实，已约谈承包商。")
    submit_task(page)
    open_task(page, "答复", code)
    page.select_option("#f-reply_outcome", "support")
    page.fill("#f-reply_text", REPLY)
    page.screenshot(path=shots / "06-draft-reply.png", full_page=True)
    submit_task(page)
    logout(page)

    # The head signs off.
    login(page, "logistics_head")
    open_task(page, "签发", code)
    page.check("input[name=approval][value=approve]")
    submit_task(page)
    logout(page)

    # The handler serves the reply.
    login(page, "logistics_handler")
    open_task(page, "送达", code)
    page.select_option("#f-delivery_method", "electronic")
    submit_task(page)

    # The petition page: timeline, documents and the diagram with the path painted on it.
    page.goto("/work/petitions")
    page.click(f"text={code[:4]}")
    page.wait_for_selector("#diagram[data-ready=true]")
    assert page.locator("#diagram .djs-element.pf-done").count() > 5
    assert page.locator("#diagram .djs-element.pf-active").count() >= 1
    assert "答复意见书" in page.locator("details.document").last.inner_text()
    page.screenshot(path=shots / "07-petition-detail.png", full_page=True)
    logout(page)

    # The public portal on a phone: track by code, read the reply, evaluate.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/portal")
    page.screenshot(path=shots / "08-portal-home.png", full_page=True)
    page.click("text=查询进度")
    page.fill("#code", code.lower())
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/portal/status$"))
    assert REPLY in page.locator(".reply").inner_text()
    body = page.locator("body").inner_text()
    for internal in ("后勤处承办人", "logistics_handler", "研判员小李", "登记员小王", "经核查，价格上涨属实"):
        assert internal not in body
    notices = page.locator("#notices").inner_text()
    assert "受理告知书" in notices and "答复意见书" in notices and "交办单" not in notices
    with page.expect_download() as download:
        page.locator("#notices a", has_text="PDF").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert code not in download.value.url  # the code stays in the session
    page.screenshot(path=shots / "09-portal-status.png", full_page=True)
    page.check("input[name=satisfaction][value=satisfied]")
    page.check("input[name=resolved][value=true]")
    page.click("form[action$='/portal/evaluate'] button.primary")
    page.wait_for_selector(".flash-success")
    assert page.locator("form[action$='/portal/evaluate']").count() == 0
    assert "已办结" in page.locator(".status").inner_text()
    page.screenshot(path=shots / "10-portal-evaluated.png", full_page=True)

    # Within thirty days of the reply the petitioner may ask for a review (复查).
    page.fill("#reason", "答复未说明何时恢复原价，请求复查。")
    page.click("form[action$='/portal/review'] button.primary")
    page.wait_for_selector(".flash-success")
    assert "复查正在办理中" in page.locator("#review").inner_text()
    page.screenshot(path=shots / "10b-portal-review-requested.png", full_page=True)


def test_public_submission_shows_the_code_once(page: Any, shots: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/portal/submit")
    page.click("form.portal-form button.primary")
    assert page.locator(".field-error").count() >= 3  # type, category, title, content
    page.screenshot(path=shots / "11-portal-submit-errors.png", full_page=True)
    page.select_option("#request_type", "suggestion")
    page.select_option("#category", "logistics.canteen")
    page.fill("#title", "建议食堂延长晚餐供应时间")
    page.fill("#content", "晚上有课的同学下课后食堂已关闭，建议延长到晚上八点。")
    page.check("#anonymous")
    assert page.locator("#identity-fields").is_hidden()
    page.click("form.portal-form button.primary")
    page.wait_for_url(re.compile(r"/portal/submitted$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert "只显示这一次" in page.locator(".warning").inner_text()
    page.screenshot(path=shots / "12-portal-code.png", full_page=True)
    page.reload()
    assert page.locator("#tracking-code").count() == 0
    page.goto("/portal/track")
    page.fill("#code", code)
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/portal/status$"))
    assert "已登记" in page.locator("ol.timeline").inner_text()


def test_a_long_unbroken_title_does_not_widen_a_staff_page_on_a_phone(page: Any) -> None:
    token = page.request.post(
        "/api/v1/auth/token", data={"username": "registrar", "password": "demo"}
    ).json()["access_token"]
    body = {
        "channel": "online",
        "request_type": "suggestion",
        "category": "logistics.canteen",
        "title": "关于" + "食堂" * 40 + "https://example.edu.cn/" + "a" * 60,
        "content": "见标题。",
        "petitioner": {"name": "王五", "phone": "13800000000", "kind": "student"},
    }
    created = page.request.post("/api/v1/petitions", data=body, headers={"Authorization": f"Bearer {token}"})
    assert created.status == 201, created.text()
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, "leader")
    page.goto(f"/work/petitions/{created.json()['id']}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
