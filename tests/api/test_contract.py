"""The public contract of API.md: shapes, status codes and problem+json errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.conftest import Harness, petition_body, routed

ROOT = Path(__file__).resolve().parents[2]


def test_login_issues_an_expiring_bearer_token(harness: Harness) -> None:
    api = harness.api
    ok = api.post("/api/v1/auth/token", {"username": "assessor", "password": "demo"})
    assert ok.status_code == 200
    body = ok.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    listed = api.client.get("/api/v1/petitions", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200
    assert api.post("/api/v1/auth/token", {"username": "assessor", "password": "wrong"}).status_code == 401
    assert api.post("/api/v1/auth/token", {"username": "nobody", "password": "demo"}).status_code == 401


def test_tokens_expire(harness: Harness) -> None:
    from itsdangerous import URLSafeTimedSerializer

    api = harness.api
    serializer = URLSafeTimedSerializer("test-secret-key", salt="petitionflow-token")
    stale = serializer.dumps({"u": 1, "g": 0})
    tokens = harness.services.tokens
    tokens.ttl_seconds = -1  # everything issued is already past its lifetime
    try:
        response = api.client.get("/api/v1/petitions", headers={"Authorization": f"Bearer {stale}"})
    finally:
        tokens.ttl_seconds = 3600
    assert response.status_code == 401
    assert "过期" in response.get_json()["detail"]


def test_health_and_openapi(harness: Harness) -> None:
    api = harness.api
    health = api.get("/healthz").get_json()
    assert health["status"] == "ok" and health["database"] == "ok"
    spec = api.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/petitions",
        "/api/v1/petitions/{petition_id}",
        "/api/v1/petitions/{petition_id}/history",
        "/api/v1/tasks",
        "/api/v1/tasks/{task_id}/claim",
        "/api/v1/tasks/{task_id}/complete",
        "/api/v1/public/petitions",
        "/api/v1/public/petitions/{tracking_code}/evaluation",
        "/api/v1/process-models",
        "/api/v1/process-instances/{instance_id}",
        "/api/v1/auth/token",
    ):
        assert path in spec["paths"], path
    assert "PetitionCreate" in spec["components"]["schemas"]
    paths = spec["paths"]
    detail = paths["/api/v1/petitions/{petition_id}"]["get"]["responses"]
    assert detail["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PetitionFull")
    assert {"deadlines", "current_tasks", "petitioner"} <= set(
        spec["components"]["schemas"]["PetitionFull"]["properties"]
    )
    assert {"401", "403", "409", "422"} <= set(paths["/api/v1/tasks/{task_id}/complete"]["post"]["responses"])
    assert "401" not in paths["/api/v1/public/petitions"]["post"]["responses"]  # no login there
    deploy = paths["/api/v1/process-models"]["post"]
    assert {"application/xml", "multipart/form-data"} <= set(deploy["requestBody"]["content"])
    assert {"201", "422"} <= set(deploy["responses"])


def test_registration_errors_are_per_field_and_change_nothing(harness: Harness) -> None:
    api = harness.api
    before = api.get("/api/v1/petitions", user="assessor").get_json()["total"]
    response = api.post(
        "/api/v1/petitions", petition_body(channel="telegram", title="", category="nope"), user="registrar"
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "channel" in errors and "title" in errors
    bad_category = api.post("/api/v1/petitions", petition_body(category="nope"), user="registrar")
    assert bad_category.status_code == 422 and "category" in bad_category.get_json()["errors"]
    nameless = api.post(
        "/api/v1/petitions", petition_body(petitioner={"phone": "13800000000"}), user="registrar"
    )
    assert nameless.get_json()["errors"] == {"petitioner.name": "实名反映须填写姓名（或选择匿名）"}
    assert api.get("/api/v1/petitions", user="assessor").get_json()["total"] == before


def test_petition_detail_has_deadlines_with_rule_unit_and_provisional(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    detail = api.petition(pid)
    (deadline,) = detail["deadlines"]
    assert (
        deadline["rule"] == "D2" and deadline["unit"] == "calendar_day" and deadline["provisional"] is False
    )
    assert deadline["due_at"] == "2026-03-17T23:59:59+08:00"
    (task,) = detail["current_tasks"]
    assert task["name"] == "screening" and task["due_at"] == deadline["due_at"]


def test_search_filters(harness: Harness) -> None:
    api = harness.api
    canteen = api.register(petition_body())["id"]
    exam = api.register(
        petition_body(category="teaching.exams", title="期末考试成绩异议", content="高数期末成绩与试卷不符。")
    )["id"]

    def ids(query: str) -> set[int]:
        return {p["id"] for p in api.get(f"/api/v1/petitions?{query}", user="assessor").get_json()["items"]}

    assert ids("category=teaching") == {exam}
    assert ids("q=食堂") == {canteen}
    assert ids("status=screening") >= {canteen, exam}
    caller = routed(api, petitioner={"name": "李娜", "phone": "13900001111", "kind": "staff"})
    assert ids("q=李娜") == ids("q=0001111") == {caller}  # the office finds a repeat caller

    def seen_by_department(query: str) -> set[int]:
        found = api.get(f"/api/v1/petitions?{query}", user="logistics_handler").get_json()["items"]
        return {p["id"] for p in found}

    assert caller in seen_by_department("q=食堂") and not seen_by_department("q=李娜")  # no identity lookup
    assert api.get("/api/v1/petitions?per_page=1000", user="assessor").status_code == 422


def test_task_detail_serves_the_form_with_current_choices(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    task = api.task(pid, "routing", "assessor")
    detail = api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()
    department = detail["form_schema"]["properties"]["department"]
    assert "logistics" in department["enum"] and department["x-enum-labels"]["logistics"] == "后勤处"
    assert detail["form_title"] == "分流派单"


def test_completing_twice_gives_409_and_bad_shapes_give_422(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    task = api.task(pid, "screening", "assessor")
    url = f"/api/v1/tasks/{task['id']}/complete"
    assert api.post(url, {"data": "accept"}, user="assessor").status_code == 422
    assert api.post(url, {}, user="assessor").status_code == 422
    assert api.post(url, {"data": {"decision": "maybe"}}, user="assessor").status_code == 422
    assert api.post(url, {"data": {"decision": "accept", "surprise": 1}}, user="assessor").status_code == 422
    assert api.post(url, {"data": {"decision": "accept"}}, user="assessor").status_code == 200
    again = api.post(url, {"data": {"decision": "accept"}}, user="assessor")
    assert again.status_code == 409 and again.content_type == "application/problem+json"
    assert api.post("/api/v1/tasks/no-such-task/complete", {"data": {}}, user="assessor").status_code == 404


def test_public_submission_status_and_evaluation_show_no_internal_names(harness: Harness) -> None:
    api = harness.api
    body = {k: v for k, v in petition_body().items() if k != "channel"}
    created = api.post("/api/v1/public/petitions", body)
    assert created.status_code == 201
    code = created.get_json()["tracking_code"]
    status = api.get(f"/api/v1/public/petitions/{code}").get_json()
    assert status["status"] == "screening" and status["timeline"][0]["event"].startswith("已登记")
    pid = api.get(f"/api/v1/petitions?q={code}", user="assessor").get_json()["items"][0]["id"]
    api.complete(pid, "screening", "assessor", decision="fast_track")
    api.complete(
        pid,
        "fast_answer",
        "assessor",
        reply_text="已为您预约维修，预计明日上门。",
        reply_basis="内部备注：由王师傅负责",
    )
    public = api.get(f"/api/v1/public/petitions/{code}")
    text = public.get_data(as_text=True)
    for internal in ("assessor", "研判员", "王师傅", "内部备注", "张三"):
        assert internal not in text
    assert public.get_json()["reply"]["text"].startswith("已为您预约维修")
    assert public.get_json()["can_evaluate"] is True
    evaluated = api.post(
        f"/api/v1/public/petitions/{code}/evaluation", {"satisfaction": "satisfied", "comment": "很快"}
    )
    assert evaluated.status_code == 200 and evaluated.get_json()["status"] == "closed"
    assert (
        api.post(f"/api/v1/public/petitions/{code}/evaluation", {"satisfaction": "satisfied"}).status_code
        == 409
    )
    assert api.get("/api/v1/public/petitions/NOPE-NOPE-NOPE").status_code == 404


def test_public_endpoints_are_rate_limited(harness: Harness) -> None:
    from service.ratelimit import EXTENSION_KEY, RateLimiter

    limiter = RateLimiter(lambda: 3, now=lambda: 120.0)
    harness.api.client.application.extensions[EXTENSION_KEY] = limiter
    codes = [harness.api.get("/api/v1/public/petitions/NOPE-NOPE-NOPE").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_process_models_list_versions_and_source(harness: Harness) -> None:
    api = harness.api
    items = {m["key"]: m for m in api.get("/api/v1/process-models", user="assessor").get_json()["items"]}
    assert items["petition"]["latest_version"] == 1 and items["petition"]["kind"] == "bpmn"
    version = api.get("/api/v1/process-models/petition/versions/1", user="assessor").get_json()
    assert version["elements"]["screening"]["form_key"] == "screening"
    xml = api.get("/api/v1/process-models/petition/versions/1/bpmn", user="assessor")
    assert xml.content_type.startswith("application/xml") and b"bpmndi:BPMNDiagram" in xml.data


def test_deploy_is_for_administrators_and_reports_every_reason(harness: Harness) -> None:
    api = harness.api
    source = (ROOT / "processes" / "petition.bpmn").read_text(encoding="utf-8")
    headers = {"Content-Type": "application/xml"}
    refused = api.client.post(
        "/api/v1/process-models",
        data=source.encode(),
        headers=headers | {"Authorization": f"Bearer {api.token('assessor')}"},
    )
    assert refused.status_code == 403
    admin = headers | {"Authorization": f"Bearer {api.token('admin')}"}
    same = api.client.post("/api/v1/process-models", data=source.encode(), headers=admin)
    assert same.status_code == 201 and same.get_json() == {
        "key": "petition",
        "version": 1,
        "kind": "bpmn",
        "created": False,
        "dependents": [],
    }
    broken = source.replace('camunda:formKey="routing"', 'camunda:formKey="no_such_form"').replace(
        "decision == 'accept'", "__import__('os').system('id')"
    )
    response = api.client.post("/api/v1/process-models", data=broken.encode(), headers=admin)
    assert response.status_code == 422
    problem = response.get_json()
    errors = problem["errors"]
    assert "未知的表单" in errors["routing"]
    assert "下划线" in errors["f_accept"]
    assert all(isinstance(message, str) for message in errors.values())  # paths → messages only
    assert {p["element_id"] for p in problem["problems"]} >= {"routing", "f_accept"}


def test_authentication_and_role_come_before_validation(harness: Harness) -> None:
    api, client = harness.api, harness.api.client
    before = api.get("/api/v1/petitions", user="assessor").get_json()["total"]
    # No token: 401 whatever the body or query, and no lookup reveals whether a thing exists.
    assert client.post("/api/v1/petitions", json={}).status_code == 401
    assert client.get("/api/v1/petitions?per_page=0").status_code == 401
    assert client.post("/api/v1/tasks/x/complete", json={}).status_code == 401
    assert client.get("/api/v1/documents/1.pdf").status_code == 401
    # A role that may not do it: 403, not the form's 422.
    assert api.post("/api/v1/petitions", {}, user="logistics_handler").status_code == 403
    assert api.post("/api/v1/tasks/x/complete", {}, user="auditor").status_code == 403
    assessor = {"Authorization": f"Bearer {api.token('assessor')}"}
    assert client.patch("/api/v1/calendar/rules/D5", json={"count": "x"}, headers=assessor).status_code == 403
    # Open routes stay open; a malformed body names no field that does not exist.
    assert client.get("/api/v1/public/petitions/NO-SUCH-CODE").status_code == 404
    bad = client.post(
        "/api/v1/petitions",
        data=b"{bad",
        headers={"Authorization": f"Bearer {api.token('registrar')}", "Content-Type": "application/json"},
    )
    assert bad.status_code in (400, 422) and "data" not in bad.get_json().get("errors", {})
    assert api.get("/api/v1/petitions", user="assessor").get_json()["total"] == before


def test_a_task_outside_the_callers_reach_is_403_even_when_claimed_or_done(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    task = api.task(pid, "screening", "assessor")
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", {}, user="assessor").status_code == 200
    done = {"data": {"decision": "accept"}}
    url = f"/api/v1/tasks/{task['id']}/complete"
    assert api.post(url, done, user="logistics_handler").status_code == 403
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", {}, user="registrar").status_code == 403
    assert api.post(url, done, user="assessor").status_code == 200
    assert api.post(url, done, user="logistics_handler").status_code == 403
    assert api.post(url, done, user="assessor").status_code == 409


def test_process_instance_state_paints_the_path(harness: Harness) -> None:
    api = harness.api
    created = api.register(petition_body())
    api.complete(created["id"], "screening", "assessor", decision="accept")
    view = api.get(f"/api/v1/process-instances/{created['process_instance_id']}", user="assessor").get_json()
    assert view["process_key"] == "petition" and view["version"] == 1 and view["status"] == "running"
    assert {"start", "screening", "gw_decision", "send_acceptance"} <= set(view["completed_elements"])
    assert view["active_elements"] == ["routing"]
    assert (
        api.get(
            f"/api/v1/process-instances/{created['process_instance_id']}", user="academic_handler"
        ).status_code
        == 403
    )


def test_public_submission_accepts_received_at_but_the_server_receives_it(harness: Harness) -> None:
    api = harness.api
    body = {k: v for k, v in petition_body().items() if k != "channel"}
    created = api.post("/api/v1/public/petitions", body | {"received_at": "2020-01-02T09:00:00+08:00"})
    assert created.status_code == 201
    code = created.get_json()["tracking_code"]
    item = api.get(f"/api/v1/petitions?q={code}", user="assessor").get_json()["items"][0]
    detail = api.get(f"/api/v1/petitions/{item['id']}", user="assessor").get_json()
    assert datetime.fromisoformat(detail["received_at"]) == harness.clock.now()
    assert detail["channel"] == "online"


def test_validation_messages_are_chinese_whatever_checks_them(harness: Harness) -> None:
    api = harness.api
    too_long = api.post("/api/v1/petitions", petition_body(title="长" * 300), user="registrar")
    assert too_long.status_code == 422 and too_long.get_json()["errors"]["title"].startswith("长度")
    wrong_choice = api.get("/api/v1/supervisions?status=zzz", user="supervisor")
    assert wrong_choice.status_code == 422 and "须为以下之一" in wrong_choice.get_json()["errors"]["status"]
    broken = api.client.post(
        "/api/v1/petitions",
        data="{not json",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {api.token('registrar')}"},
    )
    assert broken.status_code in (400, 422)
    assert "请求体不是有效的 JSON" in broken.get_data(as_text=True)
