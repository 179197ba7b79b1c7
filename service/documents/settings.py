"""The notices' settings, read from the environment when a notice is issued or rendered (so a change
needs no code, and tests set them per test):

* PETITIONFLOW_OFFICE_PHONE — the office's contact line printed on the notices that name one (the
  受理告知书's 联系电话); unset or blank, the notice leaves the line out. It is frozen into the notice
  text when the notice is issued, like every other fact on it.
* PETITIONFLOW_PDF_FONT — a TrueType CJK font file (.ttf, or the first face of a .ttc) to embed, as a
  subset, in the PDF notices; unset, the PDFs name Adobe's STSong-Light, which the reader supplies.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def office_phone(environ: Mapping[str, str] = os.environ) -> str:
    """The office's contact line, on one line; "" when unset."""
    return " ".join(environ.get("PETITIONFLOW_OFFICE_PHONE", "").split())


def pdf_font_path(environ: Mapping[str, str] = os.environ) -> str | None:
    """The TrueType font to embed in PDF notices, or None for the reader-supplied STSong-Light."""
    return environ.get("PETITIONFLOW_PDF_FONT", "").strip() or None
