"""The caller's own inbox (reminders, overdue notices) and the address reminders are e-mailed to."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from service.api.context import current_user, services, session
from service.api.schemas import BaseSchema, LocalDateTime, PageNumber
from service.notifications import service as inbox

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications", description="站内通知")


class InboxQuerySchema(BaseSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "只看未读"})
    page = PageNumber()
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class NotificationSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "task_due_soon | task_overdue | urgent_petition"})
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    petition_id = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    read_at = LocalDateTime(allow_none=True)


class InboxSchema(BaseSchema):
    items = fields.List(fields.Nested(NotificationSchema))
    total = fields.Integer()
    unread = fields.Integer()


class ReadAllSchema(BaseSchema):
    updated = fields.Integer()


class ContactSchema(BaseSchema):
    email = fields.String(allow_none=True, validate=validate.Length(max=254))


@blp.route("", methods=["GET"])
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, InboxSchema)
def list_notifications(query: dict[str, Any]) -> dict[str, Any]:
    user = current_user()
    items, total = inbox.list_inbox(
        session(),
        username=user.username,
        unread_only=query["unread"],
        page=query["page"],
        per_page=query["per_page"],
    )
    return {"items": items, "total": total, "unread": inbox.unread_count(session(), username=user.username)}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
def mark_read(notification_id: int) -> Any:
    user = current_user()
    app = services()
    with app.db.transaction() as tx:
        return inbox.mark_read(
            tx, username=user.username, notification_id=notification_id, now=app.clock.now()
        )


@blp.route("/read-all", methods=["POST"])
@blp.response(200, ReadAllSchema)
def mark_all_read() -> dict[str, int]:
    user = current_user()
    app = services()
    with app.db.transaction() as tx:
        return {"updated": inbox.mark_all_read(tx, username=user.username, now=app.clock.now())}


@blp.route("/contact", methods=["GET"])
@blp.response(200, ContactSchema)
def get_contact() -> dict[str, Any]:
    return {"email": inbox.get_email(session(), username=current_user().username)}


@blp.route("/contact", methods=["PUT"])
@blp.arguments(ContactSchema)
@blp.response(200, ContactSchema)
def set_contact(body: dict[str, Any]) -> dict[str, Any]:
    user = current_user()
    app = services()
    with app.db.transaction() as tx:
        email = inbox.set_email(tx, username=user.username, email=body.get("email"), now=app.clock.now())
    return {"email": email}
