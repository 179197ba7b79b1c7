"""The tracking code is the petitioner's key to the public side (progress, evaluation, 复查): the
departments handling a petition see only its first block, anywhere they look."""

from __future__ import annotations

import io

from docx import Document

from tests.conftest import Harness, handled_and_served, routed
from tests.web.support import WebClient


def test_the_handling_department_never_sees_the_whole_code(harness: Harness) -> None:
    api = harness.api
    pid = routed(api)
    code = api.petition(pid)["tracking_code"]  # the office sees it: it gives it to the petitioner
    masked = f"{code[:4]}-····-····"
    handled_and_served(api, pid)
    for user in ("logistics_handler", "logistics_head"):
        assert api.petition(pid, user=user)["tracking_code"] == masked
        for url in (
            f"/api/v1/petitions/{pid}",
            "/api/v1/petitions",
            f"/api/v1/petitions/{pid}/history",
            f"/api/v1/petitions/{pid}/documents",
        ):
            text = api.get(url, user=user).get_data(as_text=True)
            assert code not in text, (user, url)
        documents = api.get(f"/api/v1/petitions/{pid}/documents", user=user).get_json()["items"]
        notice = next(d for d in documents if d["kind"] == "acceptance_notice")
        assert notice["number"].endswith(f"{masked}-1")  # a notice's number embeds the code
        download = api.get(f"/api/v1/documents/{notice['id']}.docx", user=user)
        words = "\n".join(p.text for p in Document(io.BytesIO(download.data)).paragraphs)
        assert code not in words and masked in words
    web = WebClient(api.client)
    web.login("logistics_handler")
    for url in (f"/work/petitions/{pid}", "/work/petitions", "/work/tasks?scope=everyone"):
        assert code not in web.text(url), url


def test_search_cannot_rebuild_the_code_past_its_first_block(harness: Harness) -> None:
    api = harness.api
    pid = routed(api)
    code = api.petition(pid)["tracking_code"]

    def found(user: str, typed: str) -> bool:
        items = api.get(f"/api/v1/petitions?q={typed}", user=user).get_json()["items"]
        return pid in [item["id"] for item in items]

    for typed in (code[:4], code[:2].lower(), f"{code[:4]}-····-····"):
        assert found("logistics_handler", typed), typed
    for typed in (code, code[:6], code[5:9], code[-4:]):  # past the first block: no match, no oracle
        assert not found("logistics_handler", typed), typed
        assert found("assessor", typed), typed  # the office searches by any part


def test_the_office_and_leaders_see_the_code_and_the_petitioner_still_uses_it(harness: Harness) -> None:
    api = harness.api
    pid = routed(api)
    code = api.petition(pid)["tracking_code"]
    assert "-····-" not in code
    assert api.petition(pid, user="leader")["tracking_code"] == code
    handled_and_served(api, pid)
    assert api.get(f"/api/v1/public/petitions/{code}").status_code == 200


def test_event_data_seals_the_petitions_code_and_any_code_standing_alone() -> None:
    from service.petitions.access import Viewer, sealed_json

    handler, office = Viewer("h", "handler", "logistics"), Viewer("a", "assessor", "office")
    data = {
        "number": "受告〔2026〕ABCD-EFGH-JKLM-1",
        "duplicate_of": "wxyz-2345-6789",  # as typed at screening
        "task_id": "3f2b8c1e-1234-5678-9abc-def012345678",
        "nested": [{"into": "QRST-UVWX-YZ23"}],
    }
    assert sealed_json(handler, data, "ABCD-EFGH-JKLM") == {
        "number": "受告〔2026〕ABCD-····-····-1",
        "duplicate_of": "WXYZ-····-····",
        "task_id": "3f2b8c1e-1234-5678-9abc-def012345678",
        "nested": [{"into": "QRST-····-····"}],
    }
    assert sealed_json(office, data, "ABCD-EFGH-JKLM") == data
