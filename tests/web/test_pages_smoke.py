from __future__ import annotations

from tests.conftest import Harness, petition_body
from tests.web.support import WebClient


def test_smoke(harness: Harness, web: WebClient) -> None:
    created = harness.api.register(petition_body())
    web.login("assessor")
    for url in [
        "/work/tasks",
        "/work/petitions",
        f"/work/petitions/{created['id']}",
        "/work/models",
        "/work/models/petition/versions/1",
        "/work/models/petition/versions/1/bpmn",
        "/portal",
        "/portal/submit",
        "/portal/track",
        "/work/petitions/new",
    ]:
        r = web.get(url)
        assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:3000])
