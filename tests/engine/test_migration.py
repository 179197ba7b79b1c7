"""Versions are pinned; migration is deliberate, checked, dry-runnable and audited; diffs list changes."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from tests.conftest import Harness, petition_body
from tests.support import ApiClient

ROOT = Path(__file__).resolve().parents[2]
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN}


def variant(*, insert_quality_check: bool = False, remove_review_return: bool = False) -> bytes:
    root = etree.fromstring((ROOT / "processes" / "petition.bpmn").read_bytes())
    process = root.find("bpmn:process", NS)
    if insert_quality_check:
        flow = process.find("bpmn:sequenceFlow[@id='f_dispatch']", NS)
        flow.set("targetRef", "quality_check")
        task = etree.SubElement(process, f"{{{BPMN}}}userTask", id="quality_check", name="派单质量复核")
        task.set(f"{{{CAMUNDA}}}formKey", "co_handling")
        task.set(f"{{{CAMUNDA}}}candidateGroups", "assessor@office")
        etree.SubElement(
            process,
            f"{{{BPMN}}}sequenceFlow",
            id="f_checked",
            sourceRef="quality_check",
            targetRef="sign_for",
        )
    if remove_review_return:
        for element_id in ("review_return", "f_return_review"):
            node = process.find(f"*[@id='{element_id}']", NS)
            process.remove(node)
        process.find("bpmn:sequenceFlow[@id='f_return']", NS).set("targetRef", "gw_return")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def deploy(api: ApiClient, source: bytes) -> dict[str, object]:
    response = api.client.post(
        "/api/v1/process-models",
        data=source,
        headers={"Content-Type": "application/xml", "Authorization": f"Bearer {api.token('admin')}"},
    )
    assert response.status_code in (200, 201), response.get_json()
    result: dict[str, object] = response.get_json()
    return result


def test_a_running_instance_stays_on_its_version_until_migrated(harness: Harness) -> None:
    api = harness.api
    created = api.register(petition_body())
    pid, instance_id = created["id"], created["process_instance_id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    assert deploy(api, variant(insert_quality_check=True)) == {
        "key": "petition",
        "version": 2,
        "kind": "bpmn",
        "dependents": [],
        "created": True,
    }
    newer = api.register(petition_body())
    assert (
        api.get(f"/api/v1/process-instances/{newer['process_instance_id']}", user="assessor").get_json()[
            "version"
        ]
        == 2
    )
    view = api.get(f"/api/v1/process-instances/{instance_id}", user="assessor").get_json()
    assert view["version"] == 1

    url = f"/api/v1/process-instances/{instance_id}/migrate"
    assert api.post(url, {"to_version": 2}, user="assessor").status_code == 403
    dry = api.post(url, {"to_version": 2}, user="admin").get_json()
    assert dry["can_migrate"] is True and dry["waiting"] == ["routing"]
    assert api.get(f"/api/v1/process-instances/{instance_id}", user="assessor").get_json()["version"] == 1
    routing_task = api.task(pid, "routing", "assessor")

    moved = api.post(url, {"to_version": 2, "dry_run": False}, user="admin")
    assert moved.status_code == 200 and moved.get_json()["version"] == 2
    assert api.task(pid, "routing", "assessor")["id"] == routing_task["id"]  # the waiting task is kept
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    assert api.task(pid, "quality_check", "assessor")  # the new step of version 2
    history = api.get(f"/api/v1/petitions/{pid}/history", user="assessor").get_json()["items"]
    migrated = [h for h in history if h["action"] == "instance.migrated"]
    assert migrated and migrated[0]["data"]["from_version"] == 1 and migrated[0]["data"]["to_version"] == 2


def test_migration_is_refused_with_reasons_when_a_waiting_step_is_gone(harness: Harness) -> None:
    api = harness.api
    waiting_review = api.register(petition_body())["id"]
    api.complete(waiting_review, "screening", "assessor", decision="accept")
    api.complete(waiting_review, "routing", "assessor", department="logistics", co_departments=[])
    api.complete(
        waiting_review,
        "sign_for",
        "logistics_handler",
        sign_result="return",
        return_reason="不属于本部门职责",
    )
    at_screening = api.register(petition_body())["id"]
    deploy(api, variant(remove_review_return=True))

    plan = api.post("/api/v1/process-models/petition/migrations", {"to_version": 2}, user="admin").get_json()
    assert plan["dry_run"] is True and plan["migrated"] == []
    blocked = {p["business_key"]: p for p in plan["blocked"]}
    movable = {p["business_key"] for p in plan["movable"]}
    assert f"petition:{at_screening}" in movable
    assert any("review_return" in problem for problem in blocked[f"petition:{waiting_review}"]["problems"])

    done = api.post(
        "/api/v1/process-models/petition/migrations", {"to_version": 2, "dry_run": False}, user="admin"
    ).get_json()
    assert len(done["migrated"]) == len(movable)
    refused = api.post(
        f"/api/v1/process-instances/{api.petition(waiting_review)['process_instance_id']}/migrate",
        {"to_version": 2, "dry_run": False},
        user="admin",
    )
    assert refused.status_code == 409 and any(
        "review_return" in m for m in refused.get_json()["errors"].values()
    )
    assert api.task(waiting_review, "review_return", "assessor")  # untouched


def test_diff_lists_added_removed_and_changed_elements(harness: Harness) -> None:
    api = harness.api
    deploy(api, variant(insert_quality_check=True))
    diff = api.get("/api/v1/process-models/petition/diff?from=1&to=2", user="admin").get_json()
    assert [e["id"] for e in diff["added"]] == ["f_checked", "quality_check"]
    assert diff["removed"] == []
    changed = {c["id"]: c for c in diff["changed"]}
    assert set(changed) == {"f_dispatch"} and changed["f_dispatch"]["fields"] == ["target"]
