"""Procedure editing in the browser: open petition.bpmn in the bpmn-js modeler, see the server's
reasons when a change is refused, save a valid change as a new version, and diff the versions;
saving with nothing changed deploys nothing, the header follows a deployment, the panel is Chinese."""

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


def _login_admin(page: Any) -> None:
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/work/tasks"))


def _select(page: Any, element_id: str | None) -> str:
    """Select an element (None: the diagram's root) and answer the panel header's element type,
    read once the panel has rendered the selection (it re-renders asynchronously)."""
    page.evaluate(
        """async id => {
          const modeler = window.petitionflowModeler, canvas = modeler.get('canvas');
          const element = id ? modeler.get('elementRegistry').get(id) : canvas.getRootElement();
          const bus = modeler.get('eventBus');
          const updated = new Promise(resolve => bus.once('propertiesPanel.updated', resolve));
          modeler.get('selection').select(element);
          await updated;
          await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
        }""",
        element_id,
    )
    return str(page.locator("#properties .bio-properties-panel-header-type").inner_text()).strip()


def _has_version(page: Any, key: str, number: int) -> bool:
    return bool(page.request.get(f"/work/models/{key}/versions/{number}/bpmn").ok)


def test_modeler_saves_a_change_as_a_new_version(page: Any, shots: Path) -> None:
    _login_admin(page)
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


def test_the_properties_panel_speaks_chinese(page: Any, shots: Path) -> None:
    _login_admin(page)
    page.goto("/work/models/review/versions/1/edit")
    page.wait_for_selector("#modeler[data-ready=true]")
    headers = {
        element: _select(page, element)
        for element in (
            None,
            "review_pool",
            "record_request",
            "gw_hearing",
            "f_hearing",
            "f_no_hearing",
            "start",
        )
    }
    assert headers == {
        None: "协作",
        "review_pool": "参与者（池）",
        "record_request": "用户任务",
        "gw_hearing": "排他网关",
        "f_hearing": "顺序流",
        "f_no_hearing": "默认流",
        "start": "开始事件",
    }
    _select(page, "record_request")
    form = page.locator("[data-group-id='group-CamundaPlatform__Form']")
    form.locator(".bio-properties-panel-group-header").click()
    options = form.locator("select option").all_inner_texts()
    assert options == ["<无>", "Camunda 表单", "嵌入式或外部任务表单", "生成的任务表单"]
    extension = page.locator("[data-group-id='group-CamundaPlatform__ExtensionProperties']")
    assert extension.locator("button[title='新建列表项']").count() == 1
    page.screenshot(path=shots / "26-modeler-chinese-panel.png")
    panel = page.locator("#properties").inner_text()
    for english in ("User Task", "<none>", "Embedded or External Task Forms", "Create", "Name"):
        assert english not in panel, english
    palette = page.locator(".djs-palette .entry[data-action='create.task']").get_attribute("aria-label")
    assert palette == "创建任务"


def test_an_unchanged_save_deploys_nothing_and_the_header_follows_a_deployment(
    page: Any, shots: Path
) -> None:
    _login_admin(page)
    page.goto("/work/models/review/versions/1/edit")
    page.wait_for_selector("#modeler[data-ready=true]")
    assert page.locator("#model-version").inner_text() == "v1"

    # Opened and saved without an edit: nothing is deployed, the user is told so.
    page.click("#save")
    page.wait_for_selector("#save-result:not([hidden])")
    assert "未作修改" in page.locator("#save-result").inner_text()
    assert not _has_version(page, "review", 2)

    # A real edit (in the panel) deploys v2: the header, its link and the address follow.
    _select(page, "record_request")
    if not page.locator("[data-entry-id=name] textarea").is_visible():
        page.click("[data-group-id='group-general'] .bio-properties-panel-group-header")
    page.locator("[data-entry-id=name] textarea").fill("登记请求并报送复查（复核）机关")
    _bo_has(page, "record_request", "name", "登记请求并报送复查（复核）机关")
    page.click("#save")
    page.wait_for_selector("#save-result.ok")
    assert "已部署为新版本 v2" in page.locator("#save-result").inner_text()
    assert page.locator("#model-version").inner_text() == "v2"
    assert str(page.locator("#model-link").get_attribute("href")).endswith("/work/models/review/versions/2")
    assert page.url.endswith("/work/models/review/versions/2/edit")
    page.screenshot(path=shots / "27-modeler-header-follows.png")

    # Saving again with nothing changed since that deployment deploys nothing either.
    page.click("#save")
    page.wait_for_selector("#save-result:not(.ok)")
    assert "未作修改：与 v2 相同" in page.locator("#save-result").inner_text()
    assert not _has_version(page, "review", 3)

    # An undo is a change again (back to v1's content): it is sent, not silently dropped.
    page.evaluate("() => window.petitionflowModeler.get('commandStack').undo()")
    _bo_has(page, "record_request", "name", "登记请求并报送上级机关")
    page.click("#save")
    page.wait_for_selector("#save-result.ok")
    version = page.locator("#model-version").inner_text()
    assert f"已部署为新版本 {version}" in page.locator("#save-result").inner_text()
    assert version == "v3"

    # Reloading opens the version the header names.
    page.reload()
    page.wait_for_selector("#modeler[data-ready=true]")
    assert page.locator("#model-version").inner_text() == "v3"
    _bo_has(page, "record_request", "name", "登记请求并报送上级机关")
