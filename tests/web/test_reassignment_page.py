"""改派 on the task page: a small form (whom, from the people the task may go to, and why) for the
office's coordinators and the administrator, CSRF-protected like the other task forms."""

from __future__ import annotations

import re

from sqlalchemy import select

from service.audit.models import AuditEvent
from tests.conftest import Harness, add_user, routed
from tests.governance.test_item_tasks import _assigned, _task
from tests.web.support import WebClient

REASON = "原承办人外出培训，改由同事办理"


def _web(harness: Harness, user: str) -> WebClient:
    web = WebClient(harness.api.client)
    web.login(user)
    return web


def _offered(page: str) -> list[str]:
    """The usernames the 改派 select offers."""
    select_block = re.search(r'<select id="reassign-to".*?</select>', page, re.S)
    assert select_block, "no 改派 form"
    return [v for v in re.findall(r'<option value="([^"]*)"', select_block.group(0)) if v]


def _assignee(harness: Harness, task_id: str) -> str | None:
    shown = harness.api.get(f"/api/v1/tasks/{task_id}", user="supervisor").get_json()
    return shown["assignee"]  # type: ignore[no-any-return]


def test_the_office_reassigns_a_task_from_its_page(harness: Harness) -> None:
    api = harness.api
    colleague = add_user(harness, "logistics_handler2", "handler", "logistics")
    pid = routed(api)
    task_id = api.task(pid, "sign_for", "logistics_handler")["id"]
    assert api.post(f"/api/v1/tasks/{task_id}/claim", user="logistics_handler").status_code == 200
    web = _web(harness, "supervisor")
    page = web.text(f"/work/tasks/{task_id}")
    assert f'action="/work/tasks/{task_id}/assign"' in page and "改派理由" in page
    assert _offered(page) == [colleague]  # the group's other member: not its holder, not another office's
    form = {"assignee": colleague, "reason": REASON}

    assert web.post(f"/work/tasks/{task_id}/assign", form, csrf=False).status_code == 400
    web.post(f"/work/tasks/{task_id}/assign", {"assignee": colleague, "reason": ""})
    assert "写明理由" in web.text(f"/work/tasks/{task_id}")
    assert _assignee(harness, task_id) == "logistics_handler"

    done = web.post(f"/work/tasks/{task_id}/assign", form)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/work/tasks/{task_id}")
    page = web.text(f"/work/tasks/{task_id}")
    assert "已改派：签收现由logistics_handler2办理" in page and "办理人：logistics_handler2" in page
    assert f"改派「签收」：logistics_handler → {colleague}；理由：{REASON}" in page  # the timeline
    assert _assignee(harness, task_id) == colleague
    new_one = _web(harness, colleague)
    assert 'name="sign_result"' in new_one.text(f"/work/tasks/{task_id}")


def test_only_the_coordinators_and_the_administrator_get_the_form(harness: Harness) -> None:
    colleague = add_user(harness, "logistics_handler2", "handler", "logistics")
    pid = routed(harness.api)
    task_id = harness.api.task(pid, "sign_for", "logistics_handler")["id"]
    form = {"assignee": colleague, "reason": REASON}
    for user in ("logistics_handler", "logistics_head", "auditor", "registrar"):
        web = _web(harness, user)
        assert "/assign" not in web.text(f"/work/tasks/{task_id}")
        assert web.post(f"/work/tasks/{task_id}/assign", form).status_code == 403, user
    assert _assignee(harness, task_id) is None
    for user in ("assessor", "admin"):
        assert _offered(_web(harness, user).text(f"/work/tasks/{task_id}")) == [
            "logistics_handler",
            colleague,
        ]
    with harness.db.session() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "task.reassigned")) is None


def test_a_stranded_governance_step_offers_staff_who_carry_out_matters(harness: Harness) -> None:
    item_id = _assigned(harness)
    rectify = _task(harness, item_id, "rectify", "logistics_head")
    harness.api.post(
        f"/api/v1/tasks/{rectify['id']}/recuse", {"reason": "被反映人系本人亲属"}, user="logistics_head"
    )
    web = _web(harness, "supervisor")
    page = web.text(f"/work/tasks/{rectify['id']}")
    offered = _offered(page)
    assert {"academic_handler", "leader", "supervisor", "assessor", "logistics_handler"} <= set(offered)
    assert not {"logistics_head", "registrar", "admin", "auditor"} & set(offered)
    assert "教务处承办人（教务处） · 承办人" in page  # display names, with department and role
    form = {"assignee": "logistics_handler", "reason": "原责任人回避，改由后勤处承办人负责"}
    assert web.post(f"/work/tasks/{rectify['id']}/assign", form).status_code == 302
    assert "办理人：后勤处承办人" in web.text(f"/work/tasks/{rectify['id']}")
    # Someone who is not offered is refused if posted anyway, and nothing changes.
    web.post(f"/work/tasks/{rectify['id']}/assign", {"assignee": "logistics_head", "reason": "再改派"})
    assert "未能改派" in web.text(f"/work/tasks/{rectify['id']}")
    assert _assignee(harness, rectify["id"]) == "logistics_handler"
