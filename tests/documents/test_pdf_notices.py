"""The PDF notices as a reader sees them, read back with pypdf: blank lines are blank (no drawn
no-break space, which STSong-Light has no glyph for and prints as a box), a masked tracking code's
dots are drawn with a dot the font has, body paragraphs keep their full-width indent, the CJK font is
embedded when PETITIONFLOW_PDF_FONT names one, and the contact line follows PETITIONFLOW_OFFICE_PHONE."""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service.documents import render, templates
from service.petitions.models import PetitionDocument
from tests.conftest import Harness, petition_body

# WenQuanYi Micro Hei (Apache-2.0 or GPL-3+ with the font exception), a TrueType-outline CJK font: the
# same file as Debian's fonts-wqy-microhei, from a dev dependency so that every machine has it.
CJK_TTF = str(resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc")
# Reportlab's own Bitstream Vera has no Chinese at all: every Chinese character falls back.
LATIN_TTF = str(resources.files("reportlab") / "fonts" / "Vera.ttf")
BODY_SIZE, LEADING = render.BODY_SIZE, render.BODY_LEADING


@dataclass(frozen=True)
class Run:
    x: float
    y: float
    text: str


def runs(pdf: bytes) -> list[Run]:
    """Every piece of text drawn, with where its line starts, top to bottom."""
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():  # pypdf also reports the gaps between pieces as " "
            found.append(Run(round(cm[4] + tm[4], 1), round(cm[5] + tm[5], 1), text))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return found


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts(pdf: bytes) -> dict[str, bool]:
    """The fonts the pages use: base font name -> whether its program is embedded."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def line_starting(found: list[Run], prefix: str) -> Run:
    return next(run for run in found if run.text.strip().startswith(prefix))


def shipped(kind: str, **values: Any) -> bytes:
    """The shipped template of `kind` filled with the sample values, as PDF."""
    template = templates.default_template(kind)
    body = templates.render_text(template.body, templates.SAMPLE | values)
    return render.to_pdf(title=template.title, number=str(templates.SAMPLE["number"]), body=body)


@pytest.fixture(params=["reader font", "embedded font"])
def font_setting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each layout test with the default STSong-Light and with an embedded TrueType font."""
    if request.param == "embedded font":
        monkeypatch.setenv("PETITIONFLOW_PDF_FONT", CJK_TTF)
    else:
        monkeypatch.delenv("PETITIONFLOW_PDF_FONT", raising=False)
    return str(request.param)


def test_a_blank_line_is_blank_space_not_a_drawn_character(font_setting: str) -> None:
    pdf = shipped("reply_opinion")
    found, text = runs(pdf), text_of(pdf)
    assert "\xa0" not in text
    assert all(line.strip() for line in text.strip().split("\n")), text  # no line drawn blank
    # The blank line above the signature block still takes one line's height.
    last_body, issuer = line_starting(found, "送达方式"), line_starting(found, "西安交通工程学院")
    assert last_body.y - issuer.y == pytest.approx(2 * LEADING, abs=0.5)


def test_a_no_break_space_in_the_text_is_an_ordinary_space(font_setting: str) -> None:
    pdf = render.to_pdf(title="答复", number="1", body="经核查\xa0属实。")
    assert "\xa0" not in text_of(pdf) and "经核查 属实。" in text_of(pdf)


def test_a_masked_tracking_code_is_drawn_in_dots_stsong_light_has() -> None:
    """STSong-Light's CMap (UniGB-UCS2-H) maps no glyph to U+00B7, the dot of a masked code, so a
    reader drew a box for each: it is set as U+30FB, the GB 2312 middle dot the font has."""
    pdf = render.to_pdf(title="交办单", number="交办〔2026〕ANG9-····-····-2", body="查询码：ANG9-····-····")
    text = text_of(pdf)
    assert "\u00b7" not in text, text
    assert "交办〔2026〕ANG9-・・・・-・・・・-2" in text and "查询码：ANG9-・・・・-・・・・" in text


def test_an_embedded_font_with_a_middle_dot_draws_it_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETITIONFLOW_PDF_FONT", CJK_TTF)  # WenQuanYi has U+00B7
    pdf = render.to_pdf(title="交办单", number="1", body="查询码：ANG9-····-····")
    assert "查询码：ANG9-····-····" in text_of(pdf)


def test_a_department_downloads_its_notice_with_the_masked_code_readable(harness: Harness) -> None:
    """A handling department sees only the code's first block (dots for the rest): its PDF prints
    them as dots the font has, while the notice as shown and as Word keeps the masked code unchanged."""
    api = harness.api
    pid = api.register(petition_body())["id"]
    api.complete(pid, "screening", "assessor", decision="accept")
    api.complete(pid, "routing", "assessor", department="logistics", co_departments=[])
    code = api.petition(pid)["tracking_code"]
    docs = api.get(f"/api/v1/petitions/{pid}/documents", user="logistics_handler").get_json()["items"]
    dispatch = next(d for d in docs if d["kind"] == "dispatch_form")
    masked = f"{code[:4]}-····-····"
    assert masked in dispatch["number"]  # the API keeps U+00B7
    pdf = api.get(f"/api/v1/documents/{dispatch['id']}.pdf", user="logistics_handler")
    assert pdf.status_code == 200
    text = text_of(pdf.data)
    assert f"查询码：{code[:4]}-・・・・-・・・・" in text and code not in text and "\u00b7" not in text
    docx = api.get(f"/api/v1/documents/{dispatch['id']}.docx", user="logistics_handler")
    assert masked.encode() in _docx_xml(docx.data)


def _docx_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def test_a_body_paragraph_keeps_its_full_width_indent(font_setting: str) -> None:
    found = runs(shipped("reply_opinion"))
    margin = line_starting(found, "张三：").x  # the salutation is not indented
    for paragraph in ("您于", "查明事实", "如对本答复意见不服", "送达方式"):
        assert line_starting(found, paragraph).x == pytest.approx(margin + 2 * BODY_SIZE, abs=0.5)
    # Only the first line: a wrapped paragraph's next line starts at the margin.
    assert line_starting(found, "ABCD-EFGH-JKLM）").x == pytest.approx(margin, abs=0.5)


def test_a_line_of_full_width_spaces_only_is_a_blank_line() -> None:
    found = runs(render.to_pdf(title="通知", number="1", body="甲\n\u3000\u3000\n乙"))
    first, second = line_starting(found, "甲"), line_starting(found, "乙")
    assert first.x == second.x and first.y - second.y == pytest.approx(2 * LEADING, abs=0.5)


def test_by_default_the_pdf_names_stsong_light_and_embeds_no_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PETITIONFLOW_PDF_FONT", raising=False)
    used = fonts(shipped("acceptance_notice"))
    assert used.get("/STSong-Light") is False


def test_a_configured_truetype_font_is_embedded_as_a_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PETITIONFLOW_PDF_FONT", raising=False)
    named = shipped("reply_opinion")
    monkeypatch.setenv("PETITIONFLOW_PDF_FONT", CJK_TTF)
    embedded = shipped("reply_opinion")
    cjk = {name: flag for name, flag in fonts(embedded).items() if "WenQuanYi" in name}
    assert cjk and all(cjk.values()), fonts(embedded)
    assert all(name[1:8].endswith("+") for name in cjk)  # a subset: "/AAAAAA+WenQuanYiMicroHei…"
    assert "/STSong-Light" not in fonts(embedded)
    # The same words, extractable (a ToUnicode map); the lines may break elsewhere (other widths).
    assert "".join(text_of(embedded).split()) == "".join(text_of(named).split())
    assert len(embedded) < 60_000  # the subset, not the 5 MB font


def test_characters_the_embedded_font_lacks_fall_back_to_stsong_light(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PETITIONFLOW_PDF_FONT", LATIN_TTF)
    pdf = render.to_pdf(title="Notice 通知", number="No. 1", body="\u3000\u3000Reply 答复 ok")
    used = fonts(pdf)
    assert any(name.endswith("+BitstreamVeraSans-Roman") and flag for name, flag in used.items()), used
    assert used.get("/STSong-Light") is False
    assert "Reply 答复 ok" in text_of(pdf) and "Notice 通知" in text_of(pdf)


def test_a_font_that_cannot_be_embedded_leaves_the_notice_in_stsong_light(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("not a font")
    monkeypatch.setenv("PETITIONFLOW_PDF_FONT", str(not_a_font))
    with caplog.at_level(logging.ERROR, logger="service.documents.render"):
        pdf = shipped("acceptance_notice")
    assert fonts(pdf).get("/STSong-Light") is False and "受理告知书" in text_of(pdf)
    assert str(not_a_font) in caplog.text


# -- the office's contact line ------------------------------------------------------------------------


def _acceptance_notice(harness: Harness) -> tuple[str, str, bytes]:
    """Register and accept a petition; the 受理告知书's stored text and its PDF as the petitioner
    downloads it."""
    api = harness.api
    created = api.register(petition_body())
    api.complete(created["id"], "screening", "assessor", decision="accept")
    with harness.db.session() as session:
        document = session.scalars(
            select(PetitionDocument).where(
                PetitionDocument.petition_id == created["id"], PetitionDocument.kind == "acceptance_notice"
            )
        ).one()
        document_id, body = document.id, document.body
    pdf = api.get(f"/api/v1/public/petitions/{created['tracking_code']}/documents/{document_id}.pdf")
    assert pdf.status_code == 200
    return body, "".join(text_of(pdf.data).split()), pdf.data


def test_without_an_office_phone_the_acceptance_notice_has_no_contact_line(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PETITIONFLOW_OFFICE_PHONE", raising=False)
    body, pdf_text, _ = _acceptance_notice(harness)
    for text in (body, pdf_text):
        assert "联系电话" not in text and "00000000" not in text
        assert "评价办理结果。" in text and "特此告知。" in text
    assert "评价办理结果。\n" in body  # the sentence ends the paragraph, no dangling space


def test_the_office_phone_is_printed_on_the_acceptance_notice(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PETITIONFLOW_OFFICE_PHONE", " 029-82668888 \n（工作日） ")
    body, pdf_text, _ = _acceptance_notice(harness)
    assert "评价办理结果。联系电话：029-82668888 （工作日）。\n" in body
    assert "联系电话：029-82668888（工作日）。" in pdf_text  # white space removed by the comparison


def test_the_phone_is_frozen_into_the_issued_notice(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PETITIONFLOW_OFFICE_PHONE", "029-82668888")
    body, _, _ = _acceptance_notice(harness)
    monkeypatch.setenv("PETITIONFLOW_OFFICE_PHONE", "029-11112222")
    with harness.db.session() as session:
        stored = session.scalars(
            select(PetitionDocument.body).where(PetitionDocument.kind == "acceptance_notice")
        ).all()
    assert body in stored and "029-82668888" in body and not any("029-11112222" in s for s in stored)


def test_the_office_phone_wins_over_a_process_variable_of_that_name(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PETITIONFLOW_OFFICE_PHONE", "029-82668888")
    with harness.db.session() as session:
        _, text = templates.render_notice(
            session, "acceptance_notice", templates.SAMPLE | {"office_phone": "110"}
        )
    assert "联系电话：029-82668888。" in text and "110" not in text


def test_an_edited_template_may_print_the_office_phone() -> None:
    templates.check_template("联系电话：{{ office_phone }}")
