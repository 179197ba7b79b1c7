"""Cells for every workbook we hand out (audit, governance tables): text is always written as text.

Whatever a string starts with (`=`, `+`, `-`, `@`), Excel gets it as a string cell, never as a
formula: titles and names typed by the public end up in these sheets. The cells work in openpyxl's
normal and write-only modes alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell

XLSX_CELL_LIMIT = 32_767  # characters Excel keeps in one cell


def cell(sheet: Any, value: Any) -> Any:
    """`value` as it goes into `sheet`: strings as text cells, datetimes as Excel times, else as is."""
    if isinstance(value, datetime):
        written = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))  # Excel has no time zones
        written.number_format = "yyyy-mm-dd hh:mm:ss"
        return written
    if isinstance(value, str):
        written = WriteOnlyCell(sheet, value=value[:XLSX_CELL_LIMIT])
        written.data_type = "s"  # never a formula, whatever the text starts with
        return written
    return value


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append`, each value through cell()."""
    return [cell(sheet, value) for value in values]
