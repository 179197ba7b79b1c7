"""The campaign API: starting a campaign (who may, what is refused), its detail and its dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.clock import LOCAL_TZ
from service.engine.sweeper import TimerSweeper
from tests.conftest import Harness, petition_body

BODY: dict[str, Any] = {
    "title": "信访问题源头治理专项行动",
    "document_no": "西交院校发〔2026〕1号",
    "phases": {
        "plan": {"starts_on": "2026-03-02", "ends_on": "2026-03-06"},
        "mobilisation": {"starts_on": "2026-03-09", "ends_on": "2026-03-13"},
        "implementation": {"starts_on": "2026-03-16", "ends_on": "2026-05-15"},
        "summary": {"starts_on": "2026-05-18", "ends_on": "2026-05-29"},
    },
    "group": {
        "leaders": ["leader_cao", "leader_li"],
        "deputies": ["leader_wu", "leader_zhao"],
        "office_director": "leader_zhao",
        "members": ["logistics", "academic"],
    },
}


def start(api: Any, user: str = "assessor", **changes: Any) -> Any:
    return api.post("/api/v1/campaigns", {**BODY, **changes}, user=user)


def test_the_office_starts_a_campaign_and_reads_it_back(leaders: Harness) -> None:
    api = leaders.api
    response = start(api)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["status"], created["period_start"], created["period_end"]) == (
        "running",
        "2026-03-02",
        "2026-05-29",
    )
    detail = api.get(f"/api/v1/campaigns/{created['id']}", user="leader_cao").get_json()
    assert [p["name"] for p in detail["phases"]] == ["制定方案", "动员部署", "推进实施", "总结整改"]
    assert [(m["role_label"], m["name"]) for m in detail["group"][:3]] == [
        ("组长", "曹庆年"),
        ("组长", "李萍"),
        ("副组长", "吴伟"),
    ]
    assert [t["name"] for t in detail["open_tasks"]] == ["draft_plan"]
    listed = api.get("/api/v1/campaigns", user="logistics_handler").get_json()["items"]
    assert [c["id"] for c in listed] == [created["id"]]
    # The office works on the phase task through the ordinary task API.
    task = api.get("/api/v1/tasks", user="assessor").get_json()["items"]
    draft = next(t for t in task if t["name"] == "draft_plan")
    assert draft["due_at"] == "2026-03-06T23:59:59+08:00"


def test_starting_is_refused_for_departments_and_for_bad_data(leaders: Harness) -> None:
    api = leaders.api
    assert start(api, user="logistics_handler").status_code == 403
    assert start(api).status_code == 201
    bad = start(
        api, phases={**BODY["phases"], "summary": {"starts_on": "2026-05-10", "ends_on": "2026-05-29"}}
    )
    assert bad.status_code == 422
    assert "phases.summary" in bad.get_json()["errors"]
    missing = api.post("/api/v1/campaigns", {"title": "缺少阶段"}, user="assessor")
    assert missing.status_code == 422 and "phases" in missing.get_json()["errors"]
    assert api.get("/api/v1/campaigns/999", user="assessor").status_code == 404
    assert api.post("/api/v1/campaigns", BODY).status_code == 401


def test_the_dashboard_shows_phase_progress_metrics_and_hot_issues(leaders: Harness) -> None:
    api = leaders.api
    api.register(petition_body())
    campaign_id = start(api).get_json()["id"]
    leaders.clock.set(datetime(2026, 3, 9, 9, tzinfo=LOCAL_TZ))  # the plan phase ended on Friday
    TimerSweeper(leaders.services.runtime).sweep()
    board = api.get(f"/api/v1/campaigns/{campaign_id}/dashboard", user="leader_cao").get_json()
    assert board["current_phase"] == "plan"
    plan = board["phases"][0]
    assert (plan["overdue"], plan["late"], plan["elapsed_percent"]) == (True, True, 100)
    mobilisation = board["phases"][1]  # due to have begun this morning, still waiting for the plan
    assert (mobilisation["status"], mobilisation["late"], mobilisation["elapsed_percent"]) == (
        "pending",
        False,
        8,
    )
    assert board["metrics"]["registered"] == 1 and board["metrics"]["open"] == 1
    assert board["overdue_tasks"] == 1
    assert board["governance_items"] == [] and board["hot_issues"] == []


def test_the_routes_are_in_the_openapi_document(harness: Harness) -> None:
    paths = harness.api.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/campaigns",
        "/api/v1/campaigns/{campaign_id}/dashboard",
        "/api/v1/reception/roster/generate",
        "/api/v1/reception/my-cases",
        "/api/v1/reception/cases/{petition_id}/release",
    ):
        assert path in paths, path
