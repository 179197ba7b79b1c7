"""The workbench pages: task list with due marks, task forms with inline errors, registration,
petition search and detail, process models, audit, and the English switch."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from service.config import PROJECT_ROOT
from tests.conftest import Harness, petition_body
from tests.web.helpers import routed_petition
from tests.web.support import WebClient


def test_my_tasks_lists_group_tasks_with_due_dates_in_shanghai_time(web: WebClient, harness: Harness) -> None:
    created = harness.api.register(petition_body())
    web.login("assessor")
    html = web.text("/work/tasks")
    assert "审核甄别（研判）" in html
    assert created["tracking_code"] in html
    assert "研判员·党政办公室（信访办）" in html
    assert "2026-03-02 09:00" in html  # created 01:00 UTC, shown in Asia/Shanghai
    assert "未到期" in html


def test_overdue_tasks_are_marked_and_filterable(web: WebClient, harness: Harness) -> None:
    harness.api.register(petition_body(title="较早的事项"))
    harness.clock.advance(timedelta(days=40))
    harness.api.register(petition_body(title="较新的事项"))
    web.login("assessor")
    html = web.text("/work/tasks")
    assert "已逾期" in html
    assert "有 1 件已逾期" in html
    overdue = web.text("/work/tasks?due=overdue")
    assert "较早的事项" in overdue
    assert "较新的事项" not in overdue
    by_title = web.text("/work/tasks?sort=title&q=较新")
    assert "较早的事项" not in by_title


def test_the_task_form_shows_inline_errors_and_changes_nothing(web: WebClient, harness: Harness) -> None:
    created = harness.api.register(petition_body())
    task_id = harness.api.task(created["id"], "screening", "assessor")["id"]
    web.login("assessor")
    page = web.text(f"/work/tasks/{task_id}")
    assert "甄别结论" in page
    assert "重复件，合并" in page  # x-enum-labels rendered as choices
    response = web.post(f"/work/tasks/{task_id}", {"decision": "not_accept"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "理由为必填项" in html
    assert 'value="not_accept" checked' in html  # what was entered stays
    assert harness.api.petition(created["id"])["status"] == "screening"


def test_completing_a_task_from_the_page_moves_the_petition_on(web: WebClient, harness: Harness) -> None:
    created = harness.api.register(petition_body())
    task_id = harness.api.task(created["id"], "screening", "assessor")["id"]
    web.login("assessor")
    web.get(f"/work/tasks/{task_id}")
    response = web.post(
        f"/work/tasks/{task_id}", {"decision": "accept", "statutory_class": "claim", "urgency": "normal"}
    )
    assert response.status_code == 302
    assert "已办理" in web.text("/work/tasks")
    assert harness.api.petition(created["id"])["status"] == "accepted"
    routing = harness.api.task(created["id"], "routing", "assessor")["id"]
    web.get(f"/work/tasks/{routing}")
    web.post(f"/work/tasks/{routing}", {"department": "logistics", "co_departments": ["academic"]})
    detail = harness.api.petition(created["id"])
    assert detail["department"] == "logistics"
    assert detail["co_departments"] == ["academic"]


def test_claiming_and_releasing_a_task(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    task_id = harness.api.task(detail["id"], "sign_for", "logistics_handler")["id"]
    web.login("logistics_handler")
    web.get(f"/work/tasks/{task_id}")
    assert web.post(f"/work/tasks/{task_id}/claim").status_code == 302
    page = web.text(f"/work/tasks/{task_id}")
    assert "退回到组待办" in page and "办理人：后勤处承办人" in page  # by name, not username
    assert "tag-mine" in web.text("/work/tasks?scope=mine")
    web.login("leader")
    everyone = web.text("/work/tasks?scope=everyone")
    assert "后勤处承办人" in everyone and "logistics_handler" not in everyone
    web.login("logistics_handler")
    web.get(f"/work/tasks/{task_id}")
    web.post(f"/work/tasks/{task_id}/claim", {"release": "1"})
    assert web.text("/work/tasks?scope=mine").count("task-link") == 0


def test_registering_a_visit(web: WebClient, harness: Harness) -> None:
    web.login("registrar")
    web.get("/work/petitions/new")
    form = {
        "channel": "visit",
        "request_type": "complaint",
        "category": "logistics.canteen",
        "title": "宿舍热水供应不稳定",
        "content": "三号楼热水每天晚上十点后中断。",
        "petitioner_name": "王五",
        "petitioner_phone": "bad phone!",
        "headcount": "1",
    }
    response = web.post("/work/petitions/new", form)
    assert response.status_code == 422
    assert "电话号码格式不正确" in response.get_data(as_text=True)
    response = web.post(
        "/work/petitions/new", form | {"petitioner_phone": "13700001111", "received_at": "2026-03-02T08:30"}
    )
    assert response.status_code == 302
    page = web.text(response.headers["Location"])
    assert "宿舍热水供应不稳定" in page
    assert "2026-03-02 08:30" in page
    assert re.search(r"已登记，查询码 [A-Z0-9-]{14}", page)


def test_petition_search_and_detail(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    harness.api.register(petition_body(title="图书馆空调故障", content="三楼阅览室空调不制冷。"))
    web.login("assessor")
    found = web.text("/work/petitions?q=食堂")
    assert detail["tracking_code"] in found
    assert "图书馆空调故障" not in found
    assert detail["tracking_code"] in web.text(f"/work/petitions?q={detail['tracking_code']}")
    part = detail["tracking_code"][:4].lower()  # the first block of a code, as typed from a phone call
    assert detail["tracking_code"] in web.text(f"/work/petitions?q={part}")
    assert detail["tracking_code"] not in web.text(
        "/work/petitions?q=%25"
    )  # a % is a character, not a wildcard
    page = web.text(f"/work/petitions/{detail['id']}")
    for expected in ("受理告知书", "交办单", "派单：主办 后勤处", "研判员小李", "data-completed", "签收"):
        assert expected in page


def test_process_models_list_version_and_diff(web: WebClient, harness: Harness) -> None:
    source = (PROJECT_ROOT / "processes" / "petition.bpmn").read_text(encoding="utf-8")
    changed = source.replace('name="签收"', 'name="签收确认"', 1).encode()
    token = harness.api.token("admin")
    headers = {"Content-Type": "application/xml", "Authorization": f"Bearer {token}"}
    assert harness.api.client.post("/api/v1/process-models", data=changed, headers=headers).status_code == 201
    web.login("admin")
    models = web.text("/work/models")
    assert "petition" in models and "<td>流程管理员</td>" in models  # the deployer by name, not username
    assert "在建模器中打开" in web.text("/work/models/petition/versions/1")
    assert web.get("/work/models/petition/versions/1/bpmn").mimetype == "application/xml"
    assert 'data-deploy-url="/work/models/deploy"' in web.text("/work/models/petition/versions/1/edit")
    assert "两个版本的元素相同" in web.text("/work/models/petition/diff?from=1&to=1")


def test_deploy_from_the_modeler_reports_every_reason(web: WebClient) -> None:
    web.login("admin")
    web.get("/work/models/petition/versions/1/edit")
    headers = {"X-CSRFToken": web.token}
    response = web.client.post(
        "/work/models/deploy", json={"xml": "<not-bpmn", "filename": "x.bpmn"}, headers=headers
    )
    assert response.status_code == 422
    assert response.get_json()["problems"]
    assert web.client.post("/work/models/deploy", json={"xml": "<x/>"}).status_code == 400  # no CSRF header


def test_audit_search_verify_and_export(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    web.login("auditor")
    html = web.text(f"/work/audit?petition={detail['id']}&action=task")
    assert 'title="task.completed">办理待办</td>' in html  # listed by its label, filtered to tasks
    assert 'title="user.created"' not in html
    verified = web.post("/work/audit/verify")
    assert "审计链完整" in verified.get_data(as_text=True)
    export = web.get(f"/work/audit/export.csv?petition={detail['id']}")
    assert export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "时间（北京时间）", "操作人", "操作"]
    assert any(r[3] == "petition.routed" for r in rows[1:])
    assert rows[0][-2:] == ["事件流", "流内序号"] and all(r[-2] for r in rows[1:])


def test_english_switch_and_back(web: WebClient) -> None:
    web.login("assessor")
    assert "我的待办" in web.text("/work/tasks")
    web.get("/lang/en?next=/work/tasks")
    english = web.text("/work/tasks")
    assert "My tasks" in english
    assert 'lang="en"' in english
    web.get("/lang/zh_Hans_CN")
    assert "我的待办" in web.text("/work/tasks")


def test_the_auditor_sees_every_open_task_read_only(web: WebClient, harness: Harness) -> None:
    created = harness.api.register(petition_body())
    web.login("auditor")
    assert created["tracking_code"] not in web.text("/work/tasks")
    assert created["tracking_code"] in web.text("/work/tasks?scope=everyone")


def test_registering_a_group_visit_with_its_representatives(web: WebClient) -> None:
    web.login("registrar")
    web.get("/work/petitions/new")
    form = {
        "channel": "visit",
        "request_type": "complaint",
        "category": "logistics.housing",
        "title": "宿舍楼集体反映供暖不足",
        "content": "五号楼多间宿舍室温低于十六度。",
        "petitioner_name": "王五",
        "headcount": "9",
    }
    refused = web.post("/work/petitions/new", form)
    assert refused.status_code == 422 and "推选代表" in refused.get_data(as_text=True)
    response = web.post("/work/petitions/new", form | {"representatives": "王五、赵六, 孙七"})
    assert response.status_code == 302
    page = web.text(response.headers["Location"])
    assert "王五、赵六、孙七" in page


def test_stepping_aside_from_a_task_page(web: WebClient, harness: Harness) -> None:
    pid = harness.api.register(petition_body())["id"]
    harness.api.complete(pid, "screening", "assessor", decision="accept")
    harness.api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    task_id = harness.api.task(pid, "sign_for", "logistics_handler")["id"]
    web.login("logistics_handler")
    assert "申请回避" in web.text(f"/work/tasks/{task_id}")
    web.post(f"/work/tasks/{task_id}/recuse", {"reason": ""})
    assert "须写明理由" in web.text(f"/work/tasks/{task_id}")
    assert web.post(f"/work/tasks/{task_id}/recuse", {"reason": "反映对象是本人亲属"}).status_code == 302
    page = web.text(f"/work/tasks/{task_id}")
    assert "您已申请回避" in page and 'name="sign_result"' not in page
    assert task_id not in web.text("/work/tasks")


def test_asking_for_more_co_handlers_from_the_handling_page(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    task_id = api.task(pid, "handle", "logistics_handler")["id"]
    web.login("logistics_handler")
    page = web.text(f"/work/tasks/{task_id}")
    assert "请求增加协办部门" in page and 'value="academic"' in page and 'value="logistics"' not in page
    web.post(f"/work/tasks/{task_id}/co-handling", {"co_request": "academic", "co_request_reason": ""})
    assert "须选择部门并写明理由" in web.text(f"/work/tasks/{task_id}")
    sent = web.post(
        f"/work/tasks/{task_id}/co-handling", {"co_request": "academic", "co_request_reason": "涉及课表"}
    )
    assert sent.status_code == 302 and "已提交协办请求" in web.text(f"/work/tasks/{task_id}")
    assert api.task(pid, "review_co_request", "assessor")


def test_registering_an_assigned_item_with_its_report_period(web: WebClient, harness: Harness) -> None:
    web.login("registrar")
    web.get("/work/petitions/new")
    form = {
        "channel": "transfer",
        "request_type": "complaint",
        "category": "logistics.canteen",
        "title": "省厅交办：食堂价格",
        "content": "省教育厅交办的群众来信，反映食堂价格上涨。",
        "petitioner_name": "王五",
        "headcount": "1",
        "assigned_by": "省教育厅信访办",
        "report_days": "abc",
    }
    refused = web.post("/work/petitions/new", form)
    assert refused.status_code == 422 and "报告期限应为天数" in refused.get_data(as_text=True)
    response = web.post("/work/petitions/new", form | {"report_days": "30"})
    assert response.status_code == 302
    assert "D12" in web.text(response.headers["Location"])


def test_conditional_fields_carry_their_condition_and_show_without_the_script(
    web: WebClient, harness: Harness
) -> None:
    pid = harness.api.register(petition_body())["id"]
    task_id = harness.api.task(pid, "screening", "assessor")["id"]
    web.login("assessor")
    page = web.text(f"/work/tasks/{task_id}")
    assert 'data-field="reason" data-show-if="decision" data-show-values="not_accept redirect"' in page
    assert 'data-field="duplicate_of" data-show-if="decision" data-show-values="merge"' in page
    assert 'id="f-reason"' in page and " hidden" not in page.split('data-field="reason"')[1][:80]
