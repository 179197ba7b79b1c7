"""改派: the office's coordinators (督办员, 研判员) and the administrator hand an open task to someone
else through the runtime (`AssignTask`): a step left with nobody (its named person stepped aside)
gets a way out, and a refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.identity.models import User
from tests.conftest import Harness, add_user, petition_body, routed
from tests.governance.test_item_tasks import _assigned, _task

REASON = "原办理人回避，改由他人办理"


def _assign(harness: Harness, task_id: str, assignee: str, user: str = "supervisor", **body: Any) -> Any:
    payload = {"assignee": assignee, "reason": REASON, **body}
    return harness.api.post(f"/api/v1/tasks/{task_id}/assign", payload, user=user)


def _reassigned(harness: Harness) -> list[AuditEvent]:
    with harness.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "task.reassigned")))


def _open_task(harness: Harness, task_id: str) -> dict[str, Any]:
    shown = harness.api.get(f"/api/v1/tasks/{task_id}", user="supervisor")
    assert shown.status_code == 200, shown.get_json()
    return dict(shown.get_json())


def test_a_governance_step_stranded_by_a_recusal_is_reassigned_and_the_new_person_completes_it(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    deputy = add_user(any_harness, "logistics_deputy", "head", "logistics")
    item_id = _assigned(any_harness)
    rectify = _task(any_harness, item_id, "rectify", "logistics_head")
    stepped = api.post(
        f"/api/v1/tasks/{rectify['id']}/recuse", {"reason": "被反映人系本人亲属"}, user="logistics_head"
    )
    assert stepped.status_code == 200
    assert _open_task(any_harness, rectify["id"])["assignee"] is None  # nobody may take it now
    assert api.get("/api/v1/tasks", user=deputy).get_json()["items"] == []

    moved = _assign(any_harness, rectify["id"], deputy)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["assignee"] == deputy and moved.get_json()["status"] == "open"

    assert [t["id"] for t in api.get("/api/v1/tasks", user=deputy).get_json()["items"]] == [rectify["id"]]
    assert api.get("/api/v1/tasks", user="logistics_head").get_json()["items"] == []
    (told,) = api.get("/api/v1/notifications", user=deputy).get_json()["items"]  # in their inbox too
    assert told["title"] == f"改派给您：{rectify['title']}" and REASON in told["body"]
    done = api.post(
        f"/api/v1/tasks/{rectify['id']}/complete", {"data": {"result": "已恢复原价"}}, user=deputy
    )
    assert done.status_code == 200, done.get_json()
    assert [t["name"] for t in done.get_json()["next_tasks"]] == ["leader_review"]

    (event,) = _reassigned(any_harness)
    assert event.actor == "supervisor" and event.task_id == rectify["id"]
    assert event.data["from"] is None and event.data["to"] == deputy and event.data["reason"] == REASON
    assert event.instance_id == moved.get_json()["process_instance_id"]  # the instance's own stream
    assert api.get("/api/v1/audit/verify", user="auditor").get_json()["intact"] is True
    history = api.get("/api/v1/audit?action=task.reassigned", user="auditor").get_json()
    assert [item["data"]["to"] for item in history["items"]] == [deputy]


def test_reassigning_is_for_the_office_s_coordinators_and_the_administrator(harness: Harness) -> None:
    api = harness.api
    colleague = add_user(harness, "logistics_handler2", "handler", "logistics")
    pid = routed(api)
    task = api.task(pid, "sign_for", "logistics_handler")
    for user in ("registrar", "logistics_handler", "logistics_head", "leader", "auditor"):
        refused = _assign(harness, task["id"], colleague, user=user)
        assert refused.status_code == 403, (user, refused.get_json())
    # The role is checked before the body: a caller who may not reassign learns nothing from it.
    assert api.post(f"/api/v1/tasks/{task['id']}/assign", {}, user="auditor").status_code == 403
    assert api.post(f"/api/v1/tasks/{task['id']}/assign", {"assignee": colleague}).status_code == 401
    assert _open_task(harness, task["id"])["assignee"] is None and _reassigned(harness) == []

    assert _assign(harness, task["id"], colleague, user="assessor").get_json()["assignee"] == colleague
    assert _assign(harness, task["id"], "logistics_handler", user="admin").status_code == 200
    assert _assign(harness, task["id"], colleague).status_code == 200
    assert [e.actor for e in _reassigned(harness)] == ["assessor", "admin", "supervisor"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": REASON}, "assignee"),
        ({"assignee": "logistics_head"}, "reason"),
        ({"assignee": "logistics_head", "reason": "改"}, "reason"),
        ({"assignee": "logistics_head", "reason": "改" * 501}, "reason"),
    ],
)
def test_the_body_needs_an_assignee_and_a_reason(harness: Harness, body: dict[str, Any], field: str) -> None:
    pid = routed(harness.api)
    task = harness.api.task(pid, "sign_for", "logistics_handler")
    refused = harness.api.post(f"/api/v1/tasks/{task['id']}/assign", body, user="supervisor")
    assert refused.status_code == 422 and field in refused.get_json()["errors"]


def test_the_new_assignee_must_be_an_active_member_of_the_group_who_has_not_stepped_aside(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    recused = add_user(any_harness, "logistics_handler2", "handler", "logistics")
    leaving = add_user(any_harness, "logistics_handler3", "handler", "logistics")
    with any_harness.db.transaction() as session:
        user = session.scalar(select(User).where(User.username == leaving))
        assert user is not None
        user.active = False
    pid = routed(api)
    task = api.task(pid, "sign_for", "logistics_handler")
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", user=recused).status_code == 200
    api.post(f"/api/v1/tasks/{task['id']}/recuse", {"reason": "信访人系本人亲属"}, user=recused)
    refusals = {
        "nobody": "没有这个在职用户",
        leaving: "没有这个在职用户",
        "academic_handler": "不在本任务的办理组（handler@logistics）中",
        "logistics_head": "不在本任务的办理组",
        "auditor": "只能查看",
        recused: "已申请回避本事项",
    }
    for assignee, reason in refusals.items():
        refused = _assign(any_harness, task["id"], assignee)
        assert refused.status_code == 422, (assignee, refused.get_json())
        assert reason in refused.get_json()["errors"]["assignee"], (assignee, refused.get_json())
    assert _open_task(any_harness, task["id"])["assignee"] is None and _reassigned(any_harness) == []

    assert _assign(any_harness, task["id"], "logistics_handler").status_code == 200
    again = _assign(any_harness, task["id"], "logistics_handler")
    assert again.status_code == 422 and "现已由此人办理" in again.get_json()["errors"]["assignee"]


def test_a_task_assigned_by_name_goes_to_staff_who_carry_out_matters(harness: Harness) -> None:
    item_id = _assigned(harness)
    rectify = _task(harness, item_id, "rectify", "logistics_head")
    for assignee in ("auditor", "admin", "registrar"):
        refused = _assign(harness, rectify["id"], assignee)
        assert refused.status_code == 422 and "不能改派给其办理" in refused.get_json()["errors"]["assignee"]
    assert _reassigned(harness) == []
    # No group to belong to: another department's head, a leader or the office itself may take it.
    assert _assign(harness, rectify["id"], "academic_handler").status_code == 200
    assert _assign(harness, rectify["id"], "supervisor").status_code == 200


def test_the_previous_assignee_loses_the_task_and_the_new_one_completes_it(harness: Harness) -> None:
    api = harness.api
    colleague = add_user(harness, "logistics_handler2", "handler", "logistics")
    pid = routed(api)
    task = api.task(pid, "sign_for", "logistics_handler")
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", user="logistics_handler").status_code == 200
    assert _assign(harness, task["id"], colleague).status_code == 200
    assert api.get(f"/api/v1/tasks?petition_id={pid}", user="logistics_handler").get_json()["items"] == []
    data = {"data": {"sign_result": "sign"}}
    held = api.post(f"/api/v1/tasks/{task['id']}/complete", data, user="logistics_handler")
    assert held.status_code == 409 and "logistics_handler2" in held.get_json()["detail"]
    assert api.submit(pid, "sign_for", colleague, sign_result="sign").status_code == 200
    (event,) = _reassigned(harness)
    assert event.data["from"] == "logistics_handler" and event.data["to"] == colleague


def test_a_closed_task_is_not_reassigned(any_harness: Harness) -> None:
    api = any_harness.api
    colleague = add_user(any_harness, "logistics_handler2", "handler", "logistics")
    pid = routed(api)
    task = api.task(pid, "sign_for", "logistics_handler")
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    refused = _assign(any_harness, task["id"], colleague)
    assert refused.status_code == 409 and "已办理" in refused.get_json()["detail"]
    assert _assign(any_harness, "no-such-task", colleague).status_code == 404
    assert _reassigned(any_harness) == []


def test_a_coordinator_who_stepped_aside_from_the_matter_may_not_reassign_its_tasks(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    screening = api.task(pid, "screening", "assessor")
    api.post(f"/api/v1/tasks/{screening['id']}/recuse", {"reason": "信访人系本人亲属"}, user="assessor")
    refused = _assign(harness, screening["id"], "supervisor", user="assessor")
    assert refused.status_code == 403 and "回避" in refused.get_json()["detail"]
    assert _reassigned(harness) == []
