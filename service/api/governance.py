"""Governance items (源头治理事项): open by hand or from a hot issue, list, read, link petitions,
export; and the duplicate proposals of a petition."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import fields, validate

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime
from service.api.schemas.governance import ReportSchema
from service.audit import reads
from service.clock import to_local
from service.errors import Invalid, NotFound
from service.governance import access, duplicates, export
from service.governance import service as items
from service.governance.hot_issues import find_hot_issues
from service.governance.periods import KINDS, period_from
from service.governance.vocabulary import ITEM_STATUSES, TRACKS
from service.identity.service import actor_for
from service.petitions import service as petitions
from service.petitions.access import Viewer, shown_code

blp = Blueprint("governance", __name__, url_prefix="/api/v1", description="源头治理事项")


class OpenItemSchema(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=10000))
    category = fields.String(load_default=None)
    keywords = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list)
    department = fields.String(load_default=None)
    leader = fields.String(load_default=None)
    responsible_person = fields.String(load_default=None)
    due_on = fields.Date(load_default=None)
    petition_ids = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=5000))


class FromHotIssueSchema(BaseSchema):
    kind = fields.String(load_default="month", validate=validate.OneOf(KINDS))
    start = fields.Date(required=True)
    end = fields.Date(load_default=None)
    key = fields.String(required=True)
    title = fields.String(load_default=None, validate=validate.Length(min=2, max=200))
    department = fields.String(load_default=None)
    leader = fields.String(load_default=None)
    due_on = fields.Date(load_default=None)


class LinkSchema(BaseSchema):
    petition_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(min=1, max=5000))


class ItemSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    source = fields.String()
    category = fields.String(allow_none=True)
    keywords = fields.List(fields.String())
    leader = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    responsible_person = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    track = fields.String(allow_none=True)
    track_label = fields.Function(lambda i: TRACKS.get(i.track or "", ""))
    status = fields.String()
    status_label = fields.Function(lambda i: ITEM_STATUSES.get(i.status, i.status))
    process_instance_id = fields.String(allow_none=True)
    resolution = fields.String(allow_none=True)
    typical_case = fields.String(allow_none=True)
    mechanism = fields.String(allow_none=True)
    opened_by = fields.String()
    opened_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)
    closed_on_time = fields.Boolean(allow_none=True)


class ItemListSchema(BaseSchema):
    items = fields.List(fields.Nested(ItemSchema))


class ItemQuerySchema(BaseSchema):
    status = fields.String(load_default=None)
    department = fields.String(load_default=None)
    open = fields.Boolean(load_default=False)


def _item_detail(item_id: int) -> dict[str, Any]:
    view = items.view_item(session(), item_id, now=services().clock.now())
    viewer = Viewer.of(current_user())
    return {
        "item": ItemSchema().dump(view.item),
        "overdue": view.overdue,
        "petitions": [
            {
                "id": p.id,
                "tracking_code": shown_code(viewer, p.tracking_code),
                "title": p.title,
                "status": p.status,
                "received_at": to_local(p.received_at).isoformat(),
            }
            for p in view.petitions
        ],
        "reports": [
            {
                "kind": r.kind,
                "text": r.text,
                "percent": r.percent,
                "author": r.author,
                "at": to_local(r.at).isoformat(),
            }
            for r in view.reports
        ],
        "tasks": [
            {
                "id": t.id,
                "name": t.element_id,
                "title": t.title,
                "assignee": t.assignee,
                "candidate_group": t.candidate_group,
                "due_at": to_local(t.due_at).isoformat() if t.due_at else None,
            }
            for t in view.tasks
        ],
    }


@blp.route("/governance/items", methods=["GET"])
@blp.arguments(ItemQuerySchema, location="query")
@blp.response(200, ItemListSchema)
def list_items(query: dict[str, Any]) -> dict[str, Any]:
    department = access.department_scope(current_user(), query.get("department"))
    found = items.list_items(
        session(), status=query.get("status"), department=department, open_only=query["open"]
    )
    return {"items": found}


@blp.route("/governance/items", methods=["POST"])
@caller_first(require_role, *access.MAY_OPEN_ITEMS)
@blp.arguments(OpenItemSchema)
@blp.response(201, ReportSchema)
def open_item(body: dict[str, Any]) -> dict[str, Any]:
    """Open an item by hand (supervisor, assessor or a school leader); its process starts at once."""
    user = require_role(*access.MAY_OPEN_ITEMS)
    app = services()
    with app.db.transaction() as tx:
        item = items.open_item(tx, runtime=app.runtime, actor=actor_for(user), opening=items.Opening(**body))
        item_id = item.id
    return _item_detail(item_id)


@blp.route("/governance/items/from-hot-issue", methods=["POST"])
@caller_first(require_role, *access.MAY_OPEN_ITEMS)
@blp.arguments(FromHotIssueSchema)
@blp.response(201, ReportSchema)
def open_from_hot_issue(body: dict[str, Any]) -> dict[str, Any]:
    """Turn a hot issue of a period (by its key) into a tracked item with its petitions linked."""
    user = require_role(*access.MAY_OPEN_ITEMS)
    app = services()
    period = period_from(body["kind"], body["start"], body.get("end"))
    with app.db.transaction() as tx:
        issue = next((i for i in find_hot_issues(tx, period, limit=100) if i.key == body["key"]), None)
        if issue is None:
            raise NotFound("该统计区间内没有这个热点问题")
        opening = items.Opening(
            title=body.get("title") or issue.title,
            source="hot_issue",
            category=issue.category,
            keywords=issue.keywords,
            department=body.get("department") or issue.department,
            leader=body.get("leader"),
            due_on=body.get("due_on"),
            petition_ids=issue.petition_ids,
            description=f"{period.label()}热点问题：{issue.size}件，关键词{'、'.join(issue.keywords)}",
        )
        item_id = items.open_item(tx, runtime=app.runtime, actor=actor_for(user), opening=opening).id
    return _item_detail(item_id)


@blp.route("/governance/items/<int:item_id>", methods=["GET"])
@blp.response(200, ReportSchema)
def get_item(item_id: int) -> dict[str, Any]:
    department = access.department_scope(current_user(), None)
    detail = _item_detail(item_id)
    if department and detail["item"]["department"] != department:
        raise NotFound("治理事项不存在")
    return detail


@blp.route("/governance/items/<int:item_id>/petitions", methods=["POST"])
@caller_first(require_role, *access.MAY_OPEN_ITEMS)
@blp.arguments(LinkSchema)
@blp.response(200, ReportSchema)
def link(body: dict[str, Any], item_id: int) -> dict[str, Any]:
    user = require_role(*access.MAY_OPEN_ITEMS)
    app = services()
    with app.db.transaction() as tx:
        item = items.get_item(tx, item_id)
        items.link_petitions(tx, item, body["petition_ids"], actor=user.username, now=app.clock.now())
    return _item_detail(item_id)


@blp.route("/governance/items.xlsx", methods=["GET"])
@blp.arguments(ItemQuerySchema, location="query")
def export_items(query: dict[str, Any]) -> Response:
    department = access.department_scope(current_user(), query.get("department"))
    found = items.list_items(
        session(), status=query.get("status"), department=department, open_only=query["open"]
    )
    content = export.items_workbook(
        found,
        petitions.department_names(session()),
        items.linked_counts(session(), [i.id for i in found]),
        items.people_names(session(), found),
    )
    app = services()
    filters = {"status": query.get("status"), "department": department, "open": query["open"]}
    reads.record_export(
        app.db,
        actor=current_user().username,
        export="governance.items",
        fmt="xlsx",
        filters=filters,
        now=app.clock.now(),
    )
    return Response(
        content,
        mimetype=export.XLSX,
        headers={"Content-Disposition": 'attachment; filename="governance-items.xlsx"'},
    )


@blp.route("/petitions/<int:petition_id>/duplicates", methods=["GET"])
@blp.response(200, ReportSchema)
def duplicate_proposals(petition_id: int) -> dict[str, Any]:
    """Likely duplicates proposed at registration (same petitioner, similar text, still open)."""
    user = current_user()
    petitions.get_visible(session(), Viewer.of(user), petition_id)
    if not Viewer.of(user).in_office:
        raise Invalid("只有信访办可以查看重复件建议")
    return {
        "items": [
            {
                "tracking_code": p.tracking_code,
                "petition_id": p.id,
                "title": p.title,
                "status": p.status,
                "score": d.score,
                "proposal_status": d.status,
            }
            for d, p in duplicates.proposals_of(session(), petition_id)
        ]
    }
