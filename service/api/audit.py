"""The audit trail for auditors: search, export (CSV / Excel) and verify the hash chain.

Who may read it: the auditor, process administrators and the office's supervisor (督办员), who
traces who did what when supervising. Every other role gets 403: the trail spans every petition and
department, so a department's staff must not read it at all (their own petitions' histories are at
/api/v1/petitions/{id}/history).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from flask import Response, stream_with_context
from flask_smorest import Blueprint
from marshmallow import fields, validate

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime, PageNumber
from service.audit import export, queries, reads
from service.audit.chain import verify
from service.clock import to_local
from service.identity.roles import ADMIN, AUDITOR, SUPERVISOR

blp = Blueprint("audit_api", __name__, url_prefix="/api/v1/audit", description="审计日志")
READERS = (AUDITOR, ADMIN, SUPERVISOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditQuerySchema(BaseSchema):
    actor = fields.String(validate=validate.Length(max=100))
    petition_id = fields.Integer(validate=validate.Range(min=1))
    action = fields.String(
        validate=validate.Length(max=60),
        metadata={"description": "精确匹配；以“.”结尾时按前缀匹配，如 task."},
    )
    since = fields.String(data_key="from", metadata={"description": "ISO 日期或时间（含），无时区按北京时间"})
    until = fields.String(data_key="to", metadata={"description": "ISO 日期（含当天）或时间（不含）"})
    page = PageNumber()
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "xlsx"]))


class AuditEventSchema(BaseSchema):
    id = fields.Integer()
    at = LocalDateTime()
    actor = fields.String()
    action = fields.String()
    petition_id = fields.Function(lambda e: queries.petition_id_of(e.business_key), allow_none=True)
    business_key = fields.String(allow_none=True)
    instance_id = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    data = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()
    stream = fields.String(allow_none=True)
    seq = fields.Integer(allow_none=True)


class AuditPageSchema(BaseSchema):
    items = fields.List(fields.Nested(AuditEventSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class VerificationSchema(BaseSchema):
    intact = fields.Boolean()
    checked = fields.Integer()
    first_broken_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


@blp.route("", methods=["GET"])
@caller_first(require_role, *READERS)
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
def search(query: dict[str, Any]) -> Any:
    """Search by actor, petition, action and time range; `format=csv|xlsx` exports every match."""
    require_role(*READERS)
    audit_filter = queries.make_filter(
        actor=query.get("actor"),
        petition_id=query.get("petition_id"),
        action=query.get("action"),
        since=query.get("since"),
        until=query.get("until"),
    )
    if query["format"] in ("csv", "xlsx"):
        app = services()
        reads.record_export(
            app.db,
            actor=current_user().username,
            export="audit.events",
            fmt=query["format"],
            filters=audit_filter.as_dict(),
            now=app.clock.now(),
        )
        return _csv(audit_filter) if query["format"] == "csv" else _xlsx(audit_filter)
    page, per_page = query["page"], query["per_page"]
    return {
        "items": queries.list_events(session(), audit_filter, page=page, per_page=per_page),
        "total": queries.count_events(session(), audit_filter),
        "page": page,
        "per_page": per_page,
    }


def _filename(extension: str) -> str:
    stamp = to_local(services().clock.now()).strftime("%Y%m%d-%H%M%S")
    return f'attachment; filename="audit-{stamp}.{extension}"'


def _csv(audit_filter: queries.AuditFilter) -> Response:
    db = services().db

    def chunks() -> Iterator[str]:
        with db.session() as reader:
            yield from export.csv_chunks(queries.iter_events(reader, audit_filter))

    return Response(
        stream_with_context(chunks()),
        mimetype="text/csv",
        headers={"Content-Disposition": _filename("csv")},
    )


def _xlsx(audit_filter: queries.AuditFilter) -> Response:
    # A workbook is a zip, written whole (write-only mode keeps only the current row in memory).
    target = io.BytesIO()
    with services().db.session() as reader:
        export.write_xlsx(queries.iter_events(reader, audit_filter), target)
    return Response(target.getvalue(), mimetype=XLSX, headers={"Content-Disposition": _filename("xlsx")})


@blp.route("/verify", methods=["GET"])
@blp.response(200, VerificationSchema)
def verify_chain() -> Any:
    """Check the whole hash chain; a broken chain names its first broken event."""
    require_role(*READERS)
    return verify(session())
