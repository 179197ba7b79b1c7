"""Audit exports people open in Excel: CSV in UTF-8 with a BOM, and XLSX, with Chinese headers.

Times are shown in Asia/Shanghai. Rows arrive as an iterator (read in batches), so the CSV is
streamed chunk by chunk and the workbook is written in openpyxl's write-only mode.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook

from service import spreadsheet
from service.audit.models import AuditEvent
from service.audit.queries import petition_id_of
from service.clock import LOCAL_TZ

BOM = "\ufeff"
HEADERS = (
    "序号",
    "时间（北京时间）",
    "操作人",
    "操作",
    "信访事项编号",
    "业务键",
    "流程实例",
    "任务",
    "环节",
    "数据",
    "前一事件哈希",
    "本事件哈希",
    "事件流",
    "流内序号",
)
_CSV_ROWS_PER_CHUNK = 500


def row_values(event: AuditEvent) -> list[Any]:
    return [
        event.id,
        event.at.astimezone(LOCAL_TZ),
        event.actor,
        event.action,
        petition_id_of(event.business_key),
        event.business_key or "",
        event.instance_id or "",
        event.task_id or "",
        event.element_id or "",
        json.dumps(event.data, ensure_ascii=False, sort_keys=True),
        event.prev_hash,
        event.hash,
        event.stream or "",
        event.seq if event.seq is not None else event.id,  # events from before streams: their id
    ]


def csv_chunks(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV as text chunks: BOM + header first, then a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(HEADERS)
    pending = 0
    for event in events:
        values = row_values(event)
        values[1] = values[1].isoformat()
        writer.writerow(["" if v is None else v for v in values])
        pending += 1
        if pending >= _CSV_ROWS_PER_CHUNK:
            yield _drain(buffer)
            pending = 0
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_xlsx(events: Iterable[AuditEvent], target: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["J"].width = 60
    sheet.append(spreadsheet.row(sheet, HEADERS))
    for event in events:
        sheet.append(spreadsheet.row(sheet, row_values(event)))
    workbook.save(target)
