"""回避 (art. 28): a handler with a direct interest steps aside from a matter."""

from __future__ import annotations

from sqlalchemy import select

from service.audit.models import AuditEvent
from tests.conftest import Harness, add_user, draft_reply, petition_body, routed


def test_a_handler_who_steps_aside_hands_the_task_back_and_cannot_take_the_matter_again(
    any_harness: Harness,
) -> None:
    api = any_harness.api
    colleague = add_user(any_harness, "logistics_handler2", "handler", "logistics")
    pid = routed(any_harness.api)
    task = api.task(pid, "sign_for", "logistics_handler")
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", user="logistics_handler").status_code == 200
    recused = api.post(
        f"/api/v1/tasks/{task['id']}/recuse", {"reason": "反映对象为本人亲属"}, user="logistics_handler"
    )
    assert recused.status_code == 200 and recused.get_json()["released"] == [task["id"]]
    mine = api.get(f"/api/v1/tasks?petition_id={pid}", user="logistics_handler").get_json()["items"]
    assert mine == []
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", user="logistics_handler").status_code == 403
    refused = api.post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": {"sign_result": "sign"}}, user="logistics_handler"
    )
    assert refused.status_code == 403 and "回避" in refused.get_json()["detail"]
    theirs = api.get(f"/api/v1/tasks?petition_id={pid}", user=colleague).get_json()["items"]
    assert [t["id"] for t in theirs] == [task["id"]] and theirs[0]["assignee"] is None
    api.complete(pid, "sign_for", colleague, sign_result="sign")
    assert api.task(pid, "handle", colleague)  # the next step is offered to the colleague only
    assert api.get(f"/api/v1/tasks?petition_id={pid}", user="logistics_handler").get_json()["items"] == []
    with any_harness.db.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "task.recused"))
        assert event is not None and event.actor == "logistics_handler"
        assert event.data["reason"] == "反映对象为本人亲属"


def test_stepping_aside_needs_a_reason_and_a_task_of_ones_own(harness: Harness) -> None:
    api = harness.api
    pid = routed(harness.api)
    task = api.task(pid, "sign_for", "logistics_handler")
    no_reason = api.post(f"/api/v1/tasks/{task['id']}/recuse", {"reason": ""}, user="logistics_handler")
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    outsider = api.post(f"/api/v1/tasks/{task['id']}/recuse", {"reason": "与我无关"}, user="academic_handler")
    assert outsider.status_code == 403
    auditor = api.post(f"/api/v1/tasks/{task['id']}/recuse", {"reason": "审计员"}, user="auditor")
    assert auditor.status_code == 403
    assert api.task(pid, "sign_for", "logistics_handler")["assignee"] is None  # nothing changed


def test_stepping_aside_covers_every_process_of_the_petition(harness: Harness) -> None:
    """Supervision runs in its own instance under the petition's business key: one matter. A head who
    steps aside from the supervision feedback is not offered the petition's own sign-off either."""
    api = harness.api
    deputy = add_user(harness, "logistics_head2", "head", "logistics")
    pid = routed(harness.api)
    api.post(f"/api/v1/petitions/{pid}/supervision", {"reason": "签收拖延"}, user="supervisor")
    order = {"trigger": "delay", "level": "general", "problem": "未签收", "requirements": "立即签收"}
    api.complete(pid, "issue_order", "supervisor", **order)
    feedback = api.task(pid, "feedback", "logistics_head")
    reason = {"reason": "本人系被投诉窗口承包方亲属"}
    assert (
        api.post(f"/api/v1/tasks/{feedback['id']}/recuse", reason, user="logistics_head").status_code == 200
    )
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="已核实")
    draft_reply(api, pid)
    signoff = api.task(pid, "head_signoff", deputy)
    assert api.get(f"/api/v1/tasks?petition_id={pid}", user="logistics_head").get_json()["items"] == []
    assert api.post(f"/api/v1/tasks/{signoff['id']}/claim", user="logistics_head").status_code == 403


def test_the_office_is_told_at_once_when_a_recusal_leaves_a_step_with_nobody_to_take_it(
    any_harness: Harness,
) -> None:
    from service.notifications.models import Notification

    api = any_harness.api
    pid = routed(api, department="academic")  # 教务处 has one handler
    task = api.task(pid, "sign_for", "academic_handler")
    api.post(f"/api/v1/tasks/{task['id']}/recuse", {"reason": "信访人系本人亲属"}, user="academic_handler")
    with any_harness.db.session() as session:
        told = session.scalars(select(Notification).where(Notification.task_id == task["id"])).all()
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "task.unstaffed"))
    assert {n.recipient for n in told} == {"assessor", "supervisor"} and told[0].title == "无人可办：签收"
    assert "承办人·教务处中已无其他可办理人员" in told[0].body and told[0].petition_id == pid
    assert event is not None and event.data["group"] == "承办人·教务处"

    staffed = routed(api)  # a colleague remains at logistics: nobody needs telling
    add_user(any_harness, "logistics_handler2", "handler", "logistics")
    step = api.task(staffed, "sign_for", "logistics_handler")
    api.post(f"/api/v1/tasks/{step['id']}/recuse", {"reason": "本人亲属"}, user="logistics_handler")
    with any_harness.db.session() as session:
        assert not session.scalars(select(Notification).where(Notification.task_id == step["id"])).all()


def test_a_person_named_on_a_task_who_steps_aside_leaves_it_to_the_office(harness: Harness) -> None:
    """A governance rectify task is assigned to the responsible person by name: no group to fall
    back on, so the office is told at once."""
    from service.notifications.models import Notification
    from tests.governance.test_item_tasks import _assigned, _task

    item_id = _assigned(harness)
    rectify = _task(harness, item_id, "rectify", "logistics_head")
    stepped = harness.api.post(
        f"/api/v1/tasks/{rectify['id']}/recuse", {"reason": "被反映人系本人亲属"}, user="logistics_head"
    )
    assert stepped.status_code == 200
    with harness.db.session() as session:
        told = session.scalars(select(Notification).where(Notification.task_id == rectify["id"])).all()
    assert sorted(n.recipient for n in told) == ["assessor", "supervisor"] and "指定办理人" in told[0].body


def test_whoever_steps_aside_is_not_the_one_told(harness: Harness) -> None:
    from service.notifications.models import Notification

    api = harness.api
    pid = api.register(petition_body())["id"]  # screening is the assessor's, the only one
    task = api.task(pid, "screening", "assessor")
    api.post(f"/api/v1/tasks/{task['id']}/recuse", {"reason": "信访人系本人亲属"}, user="assessor")
    with harness.db.session() as session:
        told = session.scalars(select(Notification).where(Notification.task_id == task["id"])).all()
    assert [n.recipient for n in told] == ["supervisor"]
