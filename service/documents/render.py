"""A stored notice as DOCX (python-docx) or PDF (reportlab, with the Adobe CJK font STSong-Light,
which PDF readers supply, so no font file ships). Both are rendered from the text frozen when the
notice was issued, so a download always shows what was issued."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Protocol
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FONT = "STSong-Light"
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


@dataclass(frozen=True)
class Line:
    text: str
    align: str  # left | right | center


def lines_of(body: str) -> list[Line]:
    result = []
    for raw in body.splitlines():
        text = raw.rstrip()
        if text.startswith(">>"):
            result.append(Line(text[2:].strip(), "right"))
        elif text.startswith("##"):
            result.append(Line(text[2:].strip(), "center"))
        else:
            result.append(Line(text, "left"))
    return result


def set_chinese_font(document: Any, name: str = BODY_FONT, size: float = 14) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = name, Pt(size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), name)


def to_docx(*, title: str, number: str, body: str) -> bytes:
    document = Document()
    set_chinese_font(document)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold, run.font.size, run.font.name = True, Pt(22), TITLE_FONT
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), TITLE_FONT)
    numbered = document.add_paragraph(number)
    numbered.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    align = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
    }
    for line in lines_of(body):
        paragraph = document.add_paragraph(line.text)
        paragraph.alignment = align[line.align]
    target = io.BytesIO()
    document.save(target)
    return target.getvalue()


def render_as(fmt: str, *, title: str, number: str, body: str) -> bytes:
    """The notice as `fmt` ("pdf" or "docx", the keys of FORMATS)."""
    make = to_pdf if fmt == "pdf" else to_docx
    return make(title=title, number=number, body=body)


class Notice(Protocol):
    id: int
    kind: str
    title: str
    number: str
    body: str


@dataclass(frozen=True)
class NoticeFile:
    """A stored notice rendered for download, the same wherever it is served from."""

    content: bytes
    mimetype: str
    disposition: str  # the Content-Disposition header: an attachment named <kind>-<id>.<fmt>


def notice_file(notice: Notice, fmt: str) -> NoticeFile:
    content = render_as(fmt, title=notice.title, number=notice.number, body=notice.body)
    return NoticeFile(content, FORMATS[fmt], f'attachment; filename="{notice.kind}-{notice.id}.{fmt}"')


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def to_pdf(*, title: str, number: str, body: str) -> bytes:
    font = _font()
    body_style = ParagraphStyle("body", fontName=font, fontSize=13, leading=22, wordWrap="CJK")
    styles = {
        "left": body_style,
        "right": ParagraphStyle("right", parent=body_style, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=body_style, alignment=TA_CENTER),
    }
    title_style = ParagraphStyle("title", fontName=font, fontSize=20, leading=30, alignment=TA_CENTER)
    story: list[Any] = [
        Paragraph(escape(title), title_style),
        Paragraph(escape(number), styles["right"]),
        Spacer(1, 6 * mm),
    ]
    for line in lines_of(body):
        story.append(Paragraph(escape(line.text) or "&nbsp;", styles[line.align]))
    target = io.BytesIO()
    SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=title,
        author="PetitionFlow",
    ).build(story)
    return target.getvalue()
