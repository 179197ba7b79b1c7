"""Procedure editing in the browser: open petition.bpmn in the bpmn-js modeler, see the server's
reasons when a change is refused, save a valid change as a new version, and diff the versions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import LiveServer

pytestmark = pytest.mark.browser

NEW_NAME = "审核甄别（研判·新）"


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1440, "height": 900}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not [e for e in errors if "Failed to load resource" not in e], errors


def _bo_has(page: Any, element: str, attribute: str, value: str) -> None:
    page.wait_for_function(
        "([id, attr, value]) => window.petitionflowModeler.get('elementRegistry').get(id)"
        ".businessObject.get(attr) === value",
        arg=[element, attribute, value],
    )


def test_modeler_saves_a_change_as_a_new_version(page: Any, shots: Path) -> None:
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/work/tasks"))
    page.click("nav >> text=流程模型")
    page.screenshot(path=shots / "20-models.png", full_page=True)
    page.click("a[href$='/work/models/petition/versions/1']")
    page.wait_for_selector("#diagram[data-ready=true]")
    page.screenshot(path=shots / "21-version.png", full_page=True)

    page.click("#open-modeler")
    page.wait_for_selector("#modeler[data-ready=true]")
    page.click(".djs-element[data-element-id=screening]")
    page.wait_for_selector("[data-group-id='group-CamundaPlatform__Form']")
    assert page.locator(".bio-properties-panel-group-header", has_text="表单（camunda:formKey）").count() == 1
    assert page.locator("[data-group-id='group-CamundaPlatform__ExecutionListener']").count() == 0

    # A candidate group naming a role that does not exist: the server refuses and says why.
    page.click("[data-group-id='group-CamundaPlatform__UserAssignment'] .bio-properties-panel-group-header")
    groups = page.locator("[data-entry-id=candidateGroups] input")
    groups.fill("janitor@office")
    _bo_has(page, "screening", "camunda:candidateGroups", "janitor@office")
    page.screenshot(path=shots / "22-modeler-panel.png")
    page.click("#save")
    page.wait_for_selector("#save-result.bad li")
    assert "不存在的角色：janitor" in page.locator("#save-result").inner_text()
    page.screenshot(path=shots / "23-modeler-refused.png")

    # Put it back, rename the task, and save: a new version.
    groups.fill("assessor@office")
    _bo_has(page, "screening", "camunda:candidateGroups", "assessor@office")
    if not page.locator("[data-entry-id=name] textarea").is_visible():
        page.click("[data-group-id='group-general'] .bio-properties-panel-group-header")
    page.locator("[data-entry-id=name] textarea").fill(NEW_NAME)
    _bo_has(page, "screening", "name", NEW_NAME)
    page.click("#save")
    page.wait_for_selector("#save-result.ok")
    assert "已部署为新版本 v2" in page.locator("#save-result").inner_text()
    page.screenshot(path=shots / "24-modeler-saved.png")

    page.click("#deployed-link")
    page.wait_for_url(re.compile(r"/work/models/petition/versions/2$"))
    page.click("text=与上一版比较")
    page.wait_for_selector("#diagram[data-ready=true]")
    changed = page.locator("tr.diff-changed", has_text="screening")
    assert NEW_NAME in changed.inner_text()
    assert page.locator("#diagram .djs-element.pf-changed").count() >= 1
    page.screenshot(path=shots / "25-diff.png", full_page=True)
