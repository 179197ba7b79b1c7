"""A stored notice as DOCX (python-docx) or PDF (reportlab). Both are rendered from the text frozen
when the notice was issued, so a download always shows what was issued.

The PDF's Chinese font: by default Adobe's STSong-Light, named but not embedded (no font file ships;
the reader supplies it, and a reader without Adobe's Asian font pack may show no Chinese). With
PETITIONFLOW_PDF_FONT naming a TrueType CJK font, the PDF embeds the subset of it the notice uses,
and only a character that font lacks falls back to STSong-Light. reportlab embeds TrueType outlines
only: an OpenType font with CFF outlines (most .otf, Noto/Source Han CJK among them) is refused, logged,
and the notice keeps STSong-Light.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import logging
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
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from service.documents import settings

log = logging.getLogger(__name__)

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FONT = "STSong-Light"  # Adobe's CJK font, which PDF readers supply (not embedded)
BODY_SIZE, BODY_LEADING = 13, 22
INDENT = "\u3000"  # a body paragraph starts with two of these (全角空格), as official documents are set
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


def _cid_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@functools.lru_cache(maxsize=4)
def _embedded_font(path: str) -> Any:
    """The TrueType font at `path`, registered once per process (parsing a CJK font takes a few hundred
    milliseconds); None, logged once, when it cannot be embedded."""
    name = "Notice-" + hashlib.sha256(path.encode()).hexdigest()[:12]
    try:
        font = TTFont(name, path, subfontIndex=0)
    except (TTFError, OSError, ValueError) as error:  # no such file, CFF outlines, embedding not allowed …
        log.error("PETITIONFLOW_PDF_FONT %s cannot be embedded (%s); PDF notices name %s", path, error, FONT)
        return None
    pdfmetrics.registerFont(font)
    return font


# Characters STSong-Light has no glyph for (its UniGB-UCS2-H CMap maps no CID to them, so a reader
# draws a box), set as a look-alike it has: the middle dot of a masked tracking code ("ANG9-····-····",
# U+00B7) as the GB 2312 middle dot U+30FB. Only the PDF's drawing changes; the stored text does not.
_CID_LOOKALIKES = str.maketrans({"\u00b7": "\u30fb"})


def _cid_text(text: str) -> str:
    """Text to be set in STSong-Light, escaped, with look-alikes for the characters it lacks."""
    return escape(text.translate(_CID_LOOKALIKES))


def _markup(text: str, embedded: Any) -> str:
    """A line's text as paragraph markup. A no-break space (pasted text) is a plain space: the CID font
    has no glyph for it. With an embedded font, a run of characters it lacks is set in STSong-Light."""
    text = text.replace("\xa0", " ")
    if embedded is None:
        return _cid_text(text)
    glyphs = embedded.face.charToGlyph
    runs = itertools.groupby(text, key=lambda char: char.isspace() or ord(char) in glyphs)
    return "".join(
        escape("".join(run)) if present else f'<font name="{FONT}">{_cid_text("".join(run))}</font>'
        for present, run in runs
    )


def _flowable(line: Line, style: ParagraphStyle, embedded: Any) -> Flowable:
    """One line of the notice. A blank line is blank space of one line's height. The full-width spaces
    a paragraph starts with become its first-line indent: reportlab, like HTML, drops leading white
    space, and U+3000 is white space to it."""
    if not line.text.strip():
        return Spacer(1, style.leading)
    text = line.text.lstrip(INDENT + " ")
    lead = line.text[: len(line.text) - len(text)]
    if lead:
        ems = lead.count(INDENT) + lead.count(" ") / 2
        style = ParagraphStyle(f"{style.name}-indented", parent=style, firstLineIndent=ems * style.fontSize)
    return Paragraph(_markup(text, embedded), style)


def to_pdf(*, title: str, number: str, body: str) -> bytes:
    path = settings.pdf_font_path()
    embedded = _embedded_font(path) if path else None
    cid = _cid_font()  # registered either way: the embedded font's missing characters fall back to it
    font = cid if embedded is None else embedded.fontName
    body_style = ParagraphStyle(
        "body", fontName=font, fontSize=BODY_SIZE, leading=BODY_LEADING, wordWrap="CJK"
    )
    styles = {
        "left": body_style,
        "right": ParagraphStyle("right", parent=body_style, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=body_style, alignment=TA_CENTER),
    }
    title_style = ParagraphStyle("title", fontName=font, fontSize=20, leading=30, alignment=TA_CENTER)
    story: list[Any] = [
        Paragraph(_markup(title, embedded), title_style),
        Paragraph(_markup(number, embedded), styles["right"]),
        Spacer(1, 6 * mm),
    ]
    story.extend(_flowable(line, styles[line.align], embedded) for line in lines_of(body))
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
