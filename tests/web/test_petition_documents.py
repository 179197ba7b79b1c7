"""Notices on the staff petition page: the body laid out as its PDF and DOCX (no raw "##"/">>"
markup, every line escaped), and PDF and Word downloads for exactly the staff who may view the
petition, internal forms included; a reporter's identity is in none of them."""

from __future__ import annotations

import io
import re

from docx import Document

from tests.conftest import Harness, petition_body
from tests.web.helpers import replied_petition, routed_petition
from tests.web.support import WebClient

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ISSUER = "西安交通工程学院信访工作办公室（信访工作专用章）"


def _as(web: WebClient, username: str) -> WebClient:
    web.post("/logout")
    web.login(username)
    return web


def _notices(harness: Harness, pid: int) -> dict[str, int]:
    docs = harness.api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"]
    return {d["kind"]: d["id"] for d in docs}


def _documents_section(page: str) -> str:
    start = page.index('id="documents"')
    return page[start : page.index("</section>", start)]


def _url(pid: int, document_id: int, fmt: str) -> str:
    return f"/work/petitions/{pid}/documents/{document_id}.{fmt}"


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_the_notice_body_is_laid_out_not_shown_as_markup(web: WebClient, harness: Harness) -> None:
    detail = replied_petition(harness)
    section = _documents_section(_as(web, "assessor").text(f"/work/petitions/{detail['id']}"))
    assert "《答复意见书》" in section and "《受理告知书》" in section
    assert "##" not in section and ">>" not in section and "&gt;&gt;" not in section
    assert f'<p class="notice-line notice-right">{ISSUER}</p>' in section
    heading = re.search(r'<p class="notice-line notice-center">([^<]*)</p>', section)
    assert heading is not None and heading.group(1).startswith("关于")
    assert '<pre class="document-body">' not in section


def test_html_in_a_notice_is_escaped(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness, title="二食堂<script>alert(1)</script>涨价")
    page = _as(web, "assessor").text(f"/work/petitions/{detail['id']}")
    section = _documents_section(page)
    assert "<script>alert(1)</script>" not in page
    assert "二食堂&lt;script&gt;alert(1)&lt;/script&gt;涨价" in section


def test_staff_who_see_the_petition_download_its_notices(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    pid, found = detail["id"], _notices(harness, detail["id"])
    page = _as(web, "registrar").text(f"/work/petitions/{pid}")
    for fmt in ("pdf", "docx"):
        assert f'href="{_url(pid, found["acceptance_notice"], fmt)}"' in page
    pdf = web.client.get(_url(pid, found["acceptance_notice"], "pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    disposition = f'attachment; filename="acceptance_notice-{found["acceptance_notice"]}.pdf"'
    assert pdf.headers["Content-Disposition"] == disposition
    docx = web.client.get(_url(pid, found["acceptance_notice"], "docx"))
    assert docx.status_code == 200 and docx.mimetype == DOCX and docx.data
    assert docx.headers["Content-Disposition"].endswith(
        f'"acceptance_notice-{found["acceptance_notice"]}.docx"'
    )
    text = _docx_text(docx.data)
    assert "受理告知书" in text and ISSUER in text and ">>" not in text
    # An internal form (交办单) to the department it was routed to.
    internal = _as(web, "logistics_handler").client.get(_url(pid, found["dispatch_form"], "docx"))
    assert internal.status_code == 200 and internal.mimetype == DOCX
    assert "交办单" in _docx_text(internal.data)


def test_other_departments_and_other_petitions_notices_are_refused(web: WebClient, harness: Harness) -> None:
    own = routed_petition(harness)
    elsewhere = harness.api.register(petition_body(title="教室投影仪损坏"))
    harness.api.complete(elsewhere["id"], "screening", "assessor", decision="accept", statutory_class="claim")
    harness.api.complete(elsewhere["id"], "routing", "assessor", department="academic", co_departments=[])
    own_notice = _notices(harness, own["id"])["acceptance_notice"]
    foreign_notice = _notices(harness, elsewhere["id"])["acceptance_notice"]
    _as(web, "logistics_handler")
    for url in (
        _url(elsewhere["id"], foreign_notice, "pdf"),  # a petition not routed to logistics
        _url(elsewhere["id"], own_notice, "docx"),  # …even with a notice logistics may see
        _url(own["id"], foreign_notice, "pdf"),  # another petition's notice under its own petition
        _url(own["id"], 999_999, "docx"),
    ):
        assert web.client.get(url).status_code == 403, url
    assert web.client.get(_url(own["id"], own_notice, "pdf")).status_code == 200
    assert _url(own["id"], own_notice, "pdf") in web.text(f"/work/petitions/{own['id']}")
    assert web.post("/logout").status_code == 302
    response = web.client.get(_url(own["id"], own_notice, "pdf"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_reporters_identity_is_in_no_downloaded_notice(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = routed_petition(harness, request_type="report", category="ethics")["id"]
    api.complete(pid, "sign_for", "discipline_handler", sign_result="sign")
    api.complete(pid, "handle", "discipline_handler", findings="经核查，反映情况属实")
    api.complete(
        pid,
        "draft_reply",
        "discipline_handler",
        reply_outcome="support",
        reply_text="经核查，已对被举报人依规依纪作出处理。",
        reply_basis="《学校纪律处分规定》",
    )
    api.complete(pid, "head_signoff", "discipline_head", approval="approve")
    api.complete(pid, "serve_reply", "discipline_handler", delivery_method="electronic")
    found = _notices(harness, pid)
    assert {"acceptance_notice", "dispatch_form", "reply_opinion"} <= set(found)
    secrets = ("张三", "13812345678", "610102200001011234")
    for username in ("discipline_handler", "assessor"):
        section = _documents_section(_as(web, username).text(f"/work/petitions/{pid}"))
        assert not [s for s in secrets if s in section], username
        for kind, document_id in found.items():
            for fmt in ("pdf", "docx"):
                response = web.client.get(_url(pid, document_id, fmt))
                assert response.status_code == 200, (username, kind, fmt)
            text = _docx_text(web.client.get(_url(pid, document_id, "docx")).data)
            assert not [s for s in secrets if s in text], (username, kind)
    assert "举报人：" in _docx_text(web.client.get(_url(pid, found["reply_opinion"], "docx")).data)
