"""Numbers no column can hold never reach a query: an id past MAX_ID in any `<int:…>` route is a 404
(whatever the method), a page past MAX_PAGE or an integer past MAX_ID (or below -MAX_ID - 1) in a
request is a 422 on its field, on the API and the pages; a version number past it in the diff page's
query names no version (404). Before, SQLite's OverflowError made each of them a 500."""

from __future__ import annotations

import re

import pytest

from service.db import MAX_ID, MAX_PAGE
from tests.conftest import Harness
from tests.web.support import WebClient

HUGE = "99999999999999999999"  # past 64 bits


def _int_routes(harness: Harness) -> list[tuple[str, str]]:
    found = []
    for rule in harness.api.client.application.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    assert len(found) > 40
    return found


@pytest.mark.parametrize("number", [str(MAX_ID + 1), HUGE])
def test_every_id_route_answers_404_for_a_number_past_max_id(harness: Harness, number: str) -> None:
    api = harness.api
    web = WebClient(api.client)
    web.login("admin")
    web.get("/work/tasks")  # the signed-in session's CSRF token
    token = {"Authorization": f"Bearer {api.token('admin')}"}
    for method, rule in _int_routes(harness):
        path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", number, rule))
        if path.startswith("/api/"):
            response = api.client.open(path, method=method, json={}, headers=token)
            assert response.mimetype == "application/problem+json", (method, path)
        else:
            response = api.client.open(path, method=method, data={"csrf_token": web.token})
        assert response.status_code == 404, (method, path, response.status_code)


def test_the_openapi_document_states_the_largest_id(harness: Harness) -> None:
    spec = harness.api.get("/api/v1/openapi.json").get_json()
    (parameter,) = spec["paths"]["/api/v1/petitions/{petition_id}"]["parameters"]
    assert parameter["schema"]["maximum"] == MAX_ID


@pytest.mark.parametrize("url", ["/api/v1/petitions", "/api/v1/audit", "/api/v1/notifications"])
def test_api_pages_past_the_last_are_422_per_field(harness: Harness, url: str) -> None:
    user = "auditor" if "audit" in url else "assessor"
    refused = harness.api.get(f"{url}?page={HUGE}", user=user)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"] == {"page": f"页码应在 1–{MAX_PAGE} 之间"}
    assert harness.api.get(f"{url}?page={MAX_PAGE}", user=user).status_code == 200


def test_the_petition_list_page_refuses_a_page_past_the_last(harness: Harness) -> None:
    web = WebClient(harness.api.client)
    web.login("assessor")
    refused = web.get(f"/work/petitions?page={HUGE}")
    assert refused.status_code == 422 and f"页码应在 1–{MAX_PAGE} 之间" in refused.get_data(as_text=True)
    assert web.get(f"/work/petitions?page={MAX_PAGE}").status_code == 200


def test_ids_in_request_bodies_are_422_per_field(harness: Harness) -> None:
    api = harness.api
    taken = api.post("/api/v1/reception/cases", {"petition_id": int(HUGE)}, user="leader")
    assert taken.status_code == 422
    assert taken.get_json()["errors"] == {"petition_id": f"应不大于 {MAX_ID}"}
    opened = api.post(
        "/api/v1/governance/items", {"title": "宿舍热水", "petition_ids": [1, int(HUGE)]}, user="supervisor"
    )
    assert opened.status_code == 422 and list(opened.get_json()["errors"]) == ["petition_ids.1"]
    assert api.get(f"/api/v1/audit?petition_id={HUGE}", user="auditor").status_code == 422


def test_a_petition_number_typed_on_a_page_past_max_id_is_no_petition(harness: Harness) -> None:
    web = WebClient(harness.api.client)
    web.login("leader")
    web.get("/work/reception/cases")
    response = web.post("/work/reception/cases", {"petition": HUGE})
    assert response.status_code == 302
    assert f"没有编号为 {HUGE} 的信访事项" in web.text(response.headers["Location"])


@pytest.mark.parametrize("number", [str(MAX_ID + 1), HUGE, f"-{HUGE}"])
def test_a_version_diff_past_max_id_names_no_version(harness: Harness, number: str) -> None:
    web = WebClient(harness.api.client)
    web.login("admin")
    for query in (f"from={number}&to={number}", f"from=1&to={number}", f"from={number}&to=1"):
        response = web.get(f"/work/models/petition/diff?{query}")
        assert response.status_code == 404, (query, response.status_code)
        assert f"petition 没有版本 {number}" in response.get_data(as_text=True)
    assert "两个版本的元素相同" in web.text("/work/models/petition/diff?from=1&to=1")
    api = harness.api.get(f"/api/v1/process-models/petition/diff?from={number}&to=1", user="admin")
    assert api.status_code == 422 and list(api.get_json()["errors"]) == ["from"]
