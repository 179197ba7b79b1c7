"""Who sees which petition and how much of the petitioner (the rules in service/petitions/access.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.petitions.models import PetitionDocument
from tests.conftest import Harness, add_user, petition_body, routed


def test_department_staff_see_only_their_departments_petitions(harness: Harness) -> None:
    api = harness.api
    pid = routed(harness.api)
    unrouted = api.register(petition_body(title="另一件事"))["id"]
    listed = {p["id"] for p in api.get("/api/v1/petitions", user="logistics_handler").get_json()["items"]}
    assert pid in listed and unrouted not in listed
    assert api.get(f"/api/v1/petitions/{unrouted}", user="logistics_handler").status_code == 403
    assert api.get(f"/api/v1/petitions/{pid}", user="academic_handler").status_code == 403
    assert api.get(f"/api/v1/petitions/{pid}/history", user="academic_handler").status_code == 403
    everyone = {p["id"] for p in api.get("/api/v1/petitions?per_page=100", user="leader").get_json()["items"]}
    assert {pid, unrouted} <= everyone


def test_department_cannot_see_or_claim_another_departments_task(harness: Harness) -> None:
    api = harness.api
    pid = routed(harness.api)
    task = api.task(pid, "sign_for", "logistics_handler")
    assert api.get(f"/api/v1/tasks/{task['id']}", user="academic_handler").status_code == 403
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", user="academic_handler").status_code == 403
    complete = api.post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": {"sign_result": "sign"}}, user="academic_handler"
    )
    assert complete.status_code == 403
    assert api.task(pid, "sign_for", "logistics_handler")["id"] == task["id"]


def test_claim_then_someone_else_gets_409(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    task = api.task(pid, "screening", "assessor")
    claimed = api.post(f"/api/v1/tasks/{task['id']}/claim", user="assessor")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "assessor"
    add_user(harness, "assessor2", "assessor", "office")
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", user="assessor2").status_code == 409
    mine = api.get("/api/v1/tasks?mine=true", user="assessor").get_json()["items"]
    assert [t["id"] for t in mine] == [task["id"]]


def test_auditor_reads_everything_and_changes_nothing(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body())["id"]
    assert api.get(f"/api/v1/petitions/{pid}", user="auditor").status_code == 200
    assert api.get(f"/api/v1/petitions/{pid}/history", user="auditor").status_code == 200
    task = api.get(f"/api/v1/tasks?petition_id={pid}&all=true", user="auditor").get_json()["items"][0]
    assert api.get(f"/api/v1/tasks/{task['id']}", user="auditor").status_code == 200
    response = api.post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": {"decision": "accept"}}, user="auditor"
    )
    assert response.status_code == 403
    assert api.post("/api/v1/petitions", petition_body(), user="auditor").status_code == 403
    assert api.petition(pid)["status"] == "screening"


@pytest.mark.parametrize(
    ("user", "expected_name"),
    [
        ("assessor", "张三"),
        ("registrar", "张三"),
        ("discipline_handler", "（已保密）"),
        ("leader", "（已保密）"),
        ("auditor", "（已保密）"),
        ("admin", "（已保密）"),
    ],
)
def test_a_reporters_identity_is_sealed_outside_the_office(
    harness: Harness, user: str, expected_name: str
) -> None:
    pid = routed(
        harness.api, "discipline", request_type="report", category="ethics", title="反映某教师收受礼金"
    )
    detail = harness.api.petition(pid, user=user)
    assert detail["petitioner"]["name"] == expected_name
    if expected_name != "张三":
        assert detail["petitioner"]["phone"] != "13812345678"
        assert detail["petitioner"]["id_number"] is None
        body = harness.api.get(f"/api/v1/petitions/{pid}/history", user=user).get_data(as_text=True)
        assert "张三" not in body and "13812345678" not in body


def test_identity_is_visible_to_the_routed_department_and_masked_for_administrators(harness: Harness) -> None:
    pid = routed(harness.api)
    assert harness.api.petition(pid, user="registrar")["petitioner"]["id_number"] == "610102200001011234"
    for user in ("logistics_handler", "leader", "auditor"):  # who may reach the person, not their ID
        view = harness.api.petition(pid, user=user)["petitioner"]
        assert (view["name"], view["phone"]) == ("张三", "13812345678")
        assert view["id_number"] == "610***********1234", user
    admin_view = harness.api.petition(pid, user="admin")["petitioner"]
    assert admin_view["name"] == "张*" and admin_view["phone"] == "138****5678"
    assert admin_view["id_number"] == "610***********1234"


def test_id_number_is_encrypted_at_rest(harness: Harness) -> None:
    from sqlalchemy import select

    from service.petitions.models import Petition

    pid = harness.api.register(petition_body())["id"]
    with harness.db.session() as session:
        sealed = session.scalar(select(Petition.petitioner_id_sealed).where(Petition.id == pid))
    assert sealed and "610102200001011234" not in sealed


def test_anonymous_petitions_carry_no_identity(harness: Harness) -> None:
    pid = harness.api.register(petition_body(anonymous=True))["id"]
    assert harness.api.petition(pid)["petitioner"]["name"] == "匿名"


def test_requests_without_a_valid_token_get_401(harness: Harness) -> None:
    api = harness.api
    assert api.get("/api/v1/petitions").status_code == 401
    assert (
        api.client.get("/api/v1/petitions", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    )
    response = api.get("/api/v1/tasks")
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_department_staff_cannot_register(harness: Harness) -> None:
    assert harness.api.post("/api/v1/petitions", petition_body(), user="logistics_handler").status_code == 403


def test_a_report_goes_only_to_the_discipline_office(harness: Harness) -> None:
    api = harness.api
    pid = api.register(petition_body(request_type="report", category="ethics", title="反映财务处某人"))["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    routing = api.get(f"/api/v1/tasks/{api.task(pid, 'routing', 'assessor')['id']}", user="assessor")
    assert routing.get_json()["data"]["department"] == "discipline"  # the routing table proposes it
    task = api.task(pid, "routing", "assessor")
    url = f"/api/v1/tasks/{task['id']}/complete"
    to_accused = api.post(url, {"data": {"department": "finance", "co_departments": []}}, user="assessor")
    assert to_accused.status_code == 422 and "第三十一条" in to_accused.get_json()["errors"]["department"]
    shared = {"department": "discipline", "co_departments": ["finance"]}
    assert api.post(url, {"data": shared}, user="assessor").status_code == 422
    alone = {"department": "discipline", "co_departments": []}
    assert api.post(url, {"data": alone}, user="assessor").status_code == 200


def test_a_restricted_category_is_protected_like_a_report(harness: Harness) -> None:
    """师德师风与纪律 is a restricted category: a complaint in it (not only a 举报) goes to the
    discipline office alone, and the writer's identity is sealed outside the petition office."""
    api = harness.api
    pid = api.register(petition_body(category="ethics", title="反映某教师课堂言行不当"))["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    task = api.task(pid, "routing", "assessor")
    assert (
        api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()["data"]["department"]
        == "discipline"
    )
    to_college = {"department": "academic", "co_departments": []}
    refused = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": to_college}, user="assessor")
    assert refused.status_code == 422 and "纪委办公室" in refused.get_json()["errors"]["department"]
    with_co = {"department": "discipline", "co_departments": ["academic"]}
    refused = api.post(f"/api/v1/tasks/{task['id']}/complete", {"data": with_co}, user="assessor")
    assert refused.status_code == 422 and "co_departments" in refused.get_json()["errors"]
    api.complete(pid, "routing", "assessor", department="discipline", co_departments=[])
    assert api.petition(pid, user="assessor")["petitioner"]["name"] == "张三"
    for user in ("discipline_handler", "leader", "auditor"):
        assert api.petition(pid, user=user)["petitioner"]["name"] == "（已保密）"
    with harness.db.session() as session:
        bodies = session.scalars(
            select(PetitionDocument.body).where(PetitionDocument.petition_id == pid)
        ).all()
    assert bodies and all("张三" not in body for body in bodies)


def test_an_unrestricted_category_keeps_its_routing_and_identity(harness: Harness) -> None:
    pid = routed(harness.api, "academic", category="teaching.exams")
    assert harness.api.petition(pid, user="leader")["petitioner"]["name"] == "张三"


def test_a_group_visit_names_at_most_five_representatives_shown_like_the_petitioner(harness: Harness) -> None:
    api = harness.api
    group = {"channel": "visit", "headcount": 12}
    missing = api.post("/api/v1/petitions", petition_body(**group), user="registrar")
    assert missing.status_code == 422 and "推选代表" in missing.get_json()["errors"]["representatives"]
    six = ["甲一", "乙二", "丙三", "丁四", "戊五", "己六"]
    too_many = api.post("/api/v1/petitions", petition_body(**group, representatives=six), user="registrar")
    assert too_many.status_code == 422 and "不超过5人" in too_many.get_json()["errors"]["representatives"]
    pid = api.register(petition_body(**group, representatives=["李四", "王五"]))["id"]
    assert api.petition(pid, user="assessor")["petitioner"]["representatives"] == ["李四", "王五"]
    assert api.petition(pid, user="admin")["petitioner"]["representatives"] == ["李*", "王*"]
    assert api.register(petition_body(headcount=3))["id"]  # a few people need no representatives


def test_representatives_are_sealed_with_a_protected_item(harness: Harness) -> None:
    body = petition_body(
        channel="visit", headcount=8, representatives=["李四"], request_type="report", category="ethics"
    )
    pid = routed(harness.api, "discipline", **body)
    view = harness.api.petition(pid, user="discipline_handler")["petitioner"]
    assert view["sealed"] is True and "representatives" not in view
