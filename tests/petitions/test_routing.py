"""Routing rules as DMN: the routing step proposes a department; administrators change the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Harness, petition_body
from tests.support import ApiClient

ROOT = Path(__file__).resolve().parents[2]


def proposal(api: ApiClient, **body: object) -> str:
    pid = api.register(petition_body(**body))["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    task = api.task(pid, "routing", "assessor")
    data = api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()["data"]
    department: str = data["department"]
    return department


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"category": "logistics.canteen"}, "logistics"),
        ({"category": "teaching.exams"}, "academic"),
        ({"category": "personnel.titles"}, "hr"),
        ({"category": "other", "title": "研究生宿舍漏水"}, "logistics"),
        ({"category": "conduct", "title": "期末考试成绩录入错误"}, "academic"),
        ({"category": "other", "title": "校外道路施工噪音"}, "office"),
    ],
)
def test_the_routing_step_proposes_a_department(
    harness: Harness, body: dict[str, str], expected: str
) -> None:
    assert proposal(harness.api, **body) == expected


def test_the_assessor_may_override_the_proposal(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body(category="logistics.canteen"))["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="academic", co_departments=[])
    assert api.petition(pid)["department"] == "academic"


def deploy(api: ApiClient, source: str) -> dict[str, object]:
    response = api.client.post(
        "/api/v1/process-models",
        data=source.encode(),
        headers={"Content-Type": "application/xml", "Authorization": f"Bearer {api.token('admin')}"},
    )
    result: dict[str, object] = response.get_json()
    result["status"] = response.status_code
    return result


def test_a_new_table_takes_effect_through_new_diagram_versions(harness: Harness) -> None:
    api = harness.api
    before = api.register(petition_body(category="teaching.exams"))["id"]  # pinned to petition v1 + table v1
    table = (ROOT / "processes" / "routing.dmn").read_text(encoding="utf-8")
    rule = 'id="category_teaching_department"><text>'
    changed = table.replace(f'{rule}"academic"</text>', f'{rule}"graduate"</text>')
    assert changed != table
    result = deploy(api, changed)
    assert result["status"] == 201 and result["version"] == 2
    assert result["dependents"] == [{"key": "petition", "version": 2}]
    assert proposal(api, category="teaching.exams") == "graduate"
    api.complete(before, "screening", "assessor", decision="accept")
    task = api.task(before, "routing", "assessor")
    assert (
        api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()["data"]["department"] == "academic"
    )


def test_a_table_with_an_unsafe_expression_is_refused(harness: Harness) -> None:
    table = (ROOT / "processes" / "routing.dmn").read_text(encoding="utf-8")
    evil = table.replace("<text>title</text>", "<text>title.__class__</text>", 1)
    result = deploy(harness.api, evil)
    assert result["status"] == 422
    assert any("下划线" in message for message in result["errors"].values() if isinstance(message, str))


def test_protected_items_are_proposed_to_the_discipline_office(harness: Harness) -> None:
    """A 举报, a restricted category (师德师风与纪律), or anything the office screens as 检举控告类."""
    api = harness.api
    assert proposal(api, request_type="report", category="logistics.canteen") == "discipline"
    assert proposal(api, category="ethics") == "discipline"
    pid = api.register(petition_body(title="反映食堂经理违规收受供应商财物"))["id"]
    api.complete(pid, "screening", "assessor", decision="accept", statutory_class="accusation")
    task = api.task(pid, "routing", "assessor")
    assert (
        api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()["data"]["department"]
        == "discipline"
    )
    refused = api.submit(pid, "routing", "assessor", department="logistics", co_departments=[])
    assert refused.status_code == 422
    assert "检举控告类事项只能交纪委办公室办理" in refused.get_json()["errors"]["department"]
    api.complete(pid, "routing", "assessor", department="discipline", co_departments=[])
    sealed = api.petition(pid, user="discipline_handler")["petitioner"]
    assert sealed["name"] == "（已保密）" and api.petition(pid)["petitioner"]["name"] == "张三"
