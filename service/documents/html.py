"""A stored notice's body as HTML for the staff pages, read with the same layout rules as the DOCX
and PDF renderers (render.lines_of): one line = one paragraph, ">>" right-aligned (the issuing unit,
the date), "##" a centred sub-heading, a blank line an empty paragraph.

Every line's text is escaped: the body holds what a petitioner and staff wrote. The alignment is a
class (`notice-left|center|right`, styled in app.css): the pages' Content-Security-Policy allows no
inline style.
"""

from __future__ import annotations

from markupsafe import Markup

from service.documents.render import lines_of

_LINE = Markup('<p class="notice-line notice-{align}">{text}</p>')
_BLANK = Markup('<p class="notice-line notice-blank">&nbsp;</p>')


def to_html(body: str) -> Markup:
    """The notice body as a sequence of paragraphs (no whitespace between them: the container may
    preserve white space), each line's text escaped."""
    return Markup("").join(
        _LINE.format(align=line.align, text=line.text) if line.text else _BLANK for line in lines_of(body)
    )
