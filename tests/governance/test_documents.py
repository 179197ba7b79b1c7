"""Notices: generated from templates at the right step, listed in the history, downloadable as
DOCX and PDF by staff and — the petitioner's own — through the public portal; administrators
replace a template, and a template cannot reach code."""

from __future__ import annotations

import io

from docx import Document

from service.ratelimit import EXTENSION_KEY, RateLimiter
from tests.conftest import Harness, petition_body


def _accepted(harness: Harness, **overrides: object) -> dict:
    api = harness.api
    created = api.register(petition_body(**overrides))
    api.complete(created["id"], "screening", "assessor", decision="accept", statutory_class="claim")
    department = "discipline" if overrides.get("request_type") == "report" else "logistics"
    api.complete(created["id"], "routing", "assessor", department=department, co_departments=[])
    return created


def test_staff_and_the_petitioner_download_the_notices(harness: Harness) -> None:
    api = harness.api
    created = _accepted(harness)
    docs = api.get(f"/api/v1/petitions/{created['id']}/documents", user="logistics_handler").get_json()[
        "items"
    ]
    assert [d["kind"] for d in docs] == ["acceptance_notice", "dispatch_form"]
    notice = docs[0]
    docx = api.get(f"/api/v1/documents/{notice['id']}.docx", user="assessor")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert (
        text.startswith("受理告知书") and "张三：" in text and "现予受理，学校将交由相关职能部门办理" in text
    )
    assert created["tracking_code"] in text and "西安交通工程学院信访工作办公室" in text
    pdf = api.get(f"/api/v1/documents/{notice['id']}.pdf", user="assessor")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and b"STSong-Light" in pdf.data
    assert api.get(f"/api/v1/documents/{notice['id']}.pdf", user="academic_handler").status_code == 403
    public = api.get(f"/api/v1/public/petitions/{created['tracking_code']}/documents").get_json()["items"]
    assert [d["kind"] for d in public] == ["acceptance_notice"]  # the internal 交办单 is not the petitioner's
    code = created["tracking_code"]
    assert api.get(f"/api/v1/public/petitions/{code}/documents/{notice['id']}.pdf").status_code == 200
    assert api.get(f"/api/v1/public/petitions/{code}/documents/{docs[1]['id']}.pdf").status_code == 404
    other = api.register(petition_body(title="另一件事"))
    assert (
        api.get(
            f"/api/v1/public/petitions/{other['tracking_code']}/documents/{notice['id']}.docx"
        ).status_code
        == 404
    )
    history = api.get(f"/api/v1/petitions/{created['id']}/history", user="assessor").get_json()["items"]
    assert [h["data"]["kind"] for h in history if h["action"] == "document.issued"] == [
        "acceptance_notice",
        "dispatch_form",
    ]


def test_the_public_notice_downloads_share_the_public_rate_limit(harness: Harness) -> None:
    api = harness.api
    code = _accepted(harness)["tracking_code"]
    api.client.application.extensions[EXTENSION_KEY] = RateLimiter(lambda: 2, now=lambda: 60.0)
    assert api.get(f"/api/v1/public/petitions/{code}").status_code == 200
    assert api.get(f"/api/v1/public/petitions/{code}/documents").status_code == 200
    refused = api.get(f"/api/v1/public/petitions/{code}/documents/1.pdf")
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"


def test_a_reporters_name_never_reaches_a_notice(harness: Harness) -> None:
    created = _accepted(harness, request_type="report", category="ethics")
    docs = harness.api.get(f"/api/v1/petitions/{created['id']}/documents", user="assessor").get_json()[
        "items"
    ]
    docx = harness.api.get(f"/api/v1/documents/{docs[0]['id']}.docx", user="assessor")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "举报人：" in text and "张三" not in text


def test_an_admin_replaces_a_template_and_the_next_notice_uses_it(harness: Harness) -> None:
    api = harness.api
    url = "/api/v1/document-templates/acceptance_notice"
    body = "{{ addressee }}：\n　　“{{ title }}”已受理，查询码{{ tracking_code }}。\n>>{{ issuer }}\n"
    assert api.post("/api/v1/document-templates", {}, user="admin").status_code == 405
    assert (
        api.client.put(
            url, json={"body": body}, headers={"Authorization": f"Bearer {api.token('assessor')}"}
        ).status_code
        == 403
    )
    saved = api.client.put(
        url, json={"body": body}, headers={"Authorization": f"Bearer {api.token('admin')}"}
    )
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    created = _accepted(harness)
    docs = api.get(f"/api/v1/petitions/{created['id']}/documents", user="assessor").get_json()["items"]
    assert docs[0]["template_version"] == 1
    text = "\n".join(
        p.text
        for p in Document(
            io.BytesIO(api.get(f"/api/v1/documents/{docs[0]['id']}.docx", user="assessor").data)
        ).paragraphs
    )
    assert f"“二食堂饭菜价格上涨”已受理，查询码{created['tracking_code']}。" in text
    reset = api.client.delete(url, headers={"Authorization": f"Bearer {api.token('admin')}"})
    assert reset.status_code == 200 and reset.get_json()["version"] == 0


def test_a_template_cannot_reach_code_or_unknown_values(harness: Harness) -> None:
    api = harness.api
    headers = {"Authorization": f"Bearer {api.token('admin')}"}
    url = "/api/v1/document-templates/acceptance_notice"
    for body in (
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ title.__class__ }}",
        "{% for x in range(10**9) %}{% endfor %}{{ cycler.__init__.__globals__ }}",
        "{{ no_such_value }}",
        "{% if %}",
    ):
        response = api.client.put(url, json={"body": body}, headers=headers)
        assert response.status_code == 422, (body, response.get_json())
        assert "body" in response.get_json()["errors"]
