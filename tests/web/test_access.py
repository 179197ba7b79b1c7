"""Who may open and do what on the workbench pages (the same rules as the API, through the same services)."""

from __future__ import annotations

from tests.conftest import Harness
from tests.web.helpers import routed_petition
from tests.web.support import WebClient


def _open_task_id(harness: Harness, petition_id: int, name: str, user: str) -> str:
    return str(harness.api.task(petition_id, name, user)["id"])


def test_a_department_handler_cannot_open_another_departments_petition(
    web: WebClient, harness: Harness
) -> None:
    detail = routed_petition(harness)
    web.login("academic_handler")
    response = web.get(f"/work/petitions/{detail['id']}")
    assert response.status_code == 403
    assert detail["title"] not in response.get_data(as_text=True)
    assert detail["tracking_code"] not in web.text("/work/petitions")


def test_the_routed_department_sees_its_petition(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    web.login("logistics_handler")
    html = web.text(f"/work/petitions/{detail['id']}")
    assert detail["title"] in html and detail["tracking_code"][:4] in html  # not the whole code
    assert "张三" in html  # a complaint: the routed department sees who wrote in


def test_a_reporters_identity_is_sealed_on_department_pages(web: WebClient, harness: Harness) -> None:
    handler = "discipline_handler"  # a demo user
    detail = routed_petition(harness, request_type="report")
    web.login(handler)
    task_id = _open_task_id(harness, detail["id"], "sign_for", handler)
    for url in (f"/work/petitions/{detail['id']}", f"/work/tasks/{task_id}"):
        html = web.text(url)
        assert "张三" not in html
        assert "13812345678" not in html
        assert "举报人身份保密" in html
    web.post("/logout")
    web.login("assessor")
    assert "张三" in web.text(f"/work/petitions/{detail['id']}")  # the office still sees it


def test_the_auditor_sees_but_cannot_submit_forms(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    task_id = _open_task_id(harness, detail["id"], "sign_for", "logistics_handler")
    web.login("auditor")
    page = web.text(f"/work/tasks/{task_id}")
    assert "schema-form" not in page
    assert "不能办理" in page
    response = web.post(f"/work/tasks/{task_id}", {"sign_result": "sign"})
    assert response.status_code == 403
    assert "审计员只能查看" in response.get_data(as_text=True)
    assert web.post(f"/work/tasks/{task_id}/claim").status_code == 403
    assert harness.api.task(detail["id"], "sign_for", "logistics_handler")["id"] == task_id  # unchanged


def test_another_department_cannot_complete_the_task(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    task_id = _open_task_id(harness, detail["id"], "sign_for", "logistics_handler")
    web.login("academic_handler")
    assert web.get(f"/work/tasks/{task_id}").status_code == 403
    assert web.post(f"/work/tasks/{task_id}", {"sign_result": "sign"}).status_code == 403


def test_only_registrars_and_assessors_register(web: WebClient) -> None:
    web.login("logistics_handler")
    assert web.get("/work/petitions/new").status_code == 403
    assert web.post("/work/petitions/new", {"title": "x"}).status_code == 403


def test_only_the_process_administrator_opens_the_modeler_and_deploys(web: WebClient) -> None:
    web.login("assessor")
    assert web.get("/work/models/petition/versions/1").status_code == 200
    assert web.get("/work/models/petition/versions/1/edit").status_code == 403
    response = web.client.post(
        "/work/models/deploy", json={"xml": "<x/>"}, headers={"X-CSRFToken": web.token}
    )
    assert response.status_code == 403


def test_audit_pages_are_for_auditors(web: WebClient) -> None:
    web.login("logistics_handler")
    assert web.get("/work/audit").status_code == 403
    assert web.get("/work/audit/export.csv").status_code == 403
