"""The access log: sensitive reads on the audit trail — a notice downloaded, data exported, a
reporter's sealed identity shown. 《信访工作条例》 art. 45 makes leaking a reporter's (举报人)
information an offence, so the office must be able to see who read what.

A read changes no process instance, so its event goes to the system stream in a short unit of work
of its own (never an instance stream: that head is the instance row, which commands lock). Callers
record a read once it has passed every check and before its content leaves the server: a refused
request writes nothing, and a read whose event could not be written is not served.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from service.audit import chain
from service.audit.chain import PendingEvent
from service.db import Database

DOCUMENT_DOWNLOADED = "document.downloaded"
EXPORT_DOWNLOADED = "export.downloaded"
IDENTITY_VIEWED = "petition.identity_viewed"
# Not a step of the matter: kept off a petition's history and timeline (the auditor's page has them).
READ_ACTIONS = frozenset({DOCUMENT_DOWNLOADED, EXPORT_DOWNLOADED, IDENTITY_VIEWED})


def record_read(db: Database, event: PendingEvent, *, now: datetime) -> None:
    """Append one read to the system stream and commit it."""
    with db.transaction() as session:
        chain.append(session, [event], at=now)


def record_export(
    db: Database, *, actor: str, export: str, fmt: str, filters: Mapping[str, Any], now: datetime
) -> None:
    """`actor` downloaded `export` (e.g. "analytics.metrics") as `fmt`, selected by `filters` (the
    period, department or search conditions as the server applied them)."""
    data = {"export": export, "format": fmt, "filters": dict(filters)}
    record_read(db, PendingEvent(actor=actor, action=EXPORT_DOWNLOADED, data=data), now=now)
