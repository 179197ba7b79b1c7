"""The process-model pages without a browser: the modeler page names the version it edits, and a
deployment from it answers where the new version lives (to view, to keep editing, its source);
content identical to a deployed version answers that version instead of deploying a copy."""

from __future__ import annotations

import re

from tests.web.support import WebClient

OLD_NAME, NEW_NAME = 'name="登记请求并报送上级机关"', 'name="登记请求并报送复查（复核）机关"'


def _deploy(web: WebClient, xml: str) -> tuple[int, dict[str, object]]:
    response = web.client.post(
        "/work/models/deploy",
        json={"xml": xml, "filename": "review.bpmn"},
        headers={"X-CSRFToken": web.token or ""},
    )
    return response.status_code, response.get_json()


def test_the_modeler_page_names_the_version_it_edits(web: WebClient) -> None:
    web.login("admin")
    page = web.text("/work/models/review/versions/1/edit")
    assert re.search(r'id="model-version">v1<', page)
    assert 'id="model-link" href="/work/models/review/versions/1"' in page
    assert 'data-version="1"' in page


def test_a_deployment_answers_where_the_new_version_lives(web: WebClient) -> None:
    web.login("admin")
    web.get("/work/models/review/versions/1/edit")
    source = web.client.get("/work/models/review/versions/1/bpmn").get_data(as_text=True)
    assert OLD_NAME in source
    status, body = _deploy(web, source.replace(OLD_NAME, NEW_NAME))
    assert status == 201, body
    assert body == {
        "key": "review",
        "version": 2,
        "created": True,
        "url": "/work/models/review/versions/2",
        "edit_url": "/work/models/review/versions/2/edit",
        "source_url": "/work/models/review/versions/2/bpmn",
    }
    page = web.text("/work/models/review/versions/2/edit")
    assert re.search(r'id="model-version">v2<', page) and 'data-version="2"' in page

    # The same content again: the existing version, nothing new deployed.
    status, body = _deploy(web, source.replace(OLD_NAME, NEW_NAME))
    assert (status, body["version"], body["created"]) == (200, 2, False)
    status, body = _deploy(web, source)
    assert (status, body["version"], body["created"]) == (200, 1, False)
    assert web.get("/work/models/review/versions/3/bpmn").status_code == 404
