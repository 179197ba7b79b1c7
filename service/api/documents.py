"""Written notices: a petition's documents for staff (list, DOCX/PDF), the petitioner's own notices
through the public portal (by tracking code), and the administrators' template editing."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import fields, validate

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.public import hit_client
from service.api.schemas import BaseSchema, LocalDateTime
from service.documents import render, templates
from service.errors import NotFound
from service.identity.roles import ADMIN
from service.petitions import petitioner_notices as notices
from service.petitions import reads
from service.petitions import service as petitions
from service.petitions.access import Viewer
from service.petitions.models import Petition, PetitionDocument

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="信访文书")


class DocumentSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    number = fields.String()
    title = fields.String()
    for_petitioner = fields.Boolean()
    issued_at = LocalDateTime()
    template_version = fields.Integer(allow_none=True)


class DocumentListSchema(BaseSchema):
    items = fields.List(fields.Nested(DocumentSchema))


class TemplateSchema(BaseSchema):
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    version = fields.Integer()


class TemplateListSchema(BaseSchema):
    items = fields.List(fields.Nested(TemplateSchema))


class TemplateUpdateSchema(BaseSchema):
    title = fields.String(load_default=None, validate=validate.Length(min=2, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=templates.MAX_LENGTH))


def _file(document: PetitionDocument, fmt: str, *, actor: str) -> Response:
    """The rendered notice, its download on the access log."""
    found = render.notice_file(document, fmt)
    app = services()
    reads.record_document_download(app.db, actor=actor, document=document, fmt=fmt, now=app.clock.now())
    return Response(
        found.content, mimetype=found.mimetype, headers={"Content-Disposition": found.disposition}
    )


@blp.route("/petitions/<int:petition_id>/documents", methods=["GET"])
@blp.response(200, DocumentListSchema)
def list_documents(petition_id: int) -> dict[str, Any]:
    petition = petitions.get_visible(session(), Viewer.of(current_user()), petition_id)
    return {
        "items": petitions.detail(session(), Viewer.of(current_user()), petition, services().sealer)[
            "documents"
        ]
    }


@blp.route("/documents/<int:document_id>.<any(pdf, docx):fmt>", methods=["GET"])
def download(document_id: int, fmt: str) -> Response:
    """A notice as PDF or DOCX, for staff who may see its petition."""
    document = session().get(PetitionDocument, document_id)
    if document is None:
        raise NotFound("文书不存在")
    viewer = Viewer.of(current_user())
    petition = petitions.get_visible(session(), viewer, document.petition_id)
    (readable,) = petitions.sealed_documents(viewer, petition, [document])
    return _file(readable, fmt, actor=viewer.username)


def _own_petition(tracking_code: str) -> Petition:
    hit_client()  # no login here: the public budget applies, as on every public endpoint
    return petitions.find_by_code(session(), tracking_code)


@blp.route("/public/petitions/<tracking_code>/documents", methods=["GET"])
@blp.response(200, DocumentListSchema)
def public_documents(tracking_code: str) -> dict[str, Any]:
    """The petitioner's own notices (受理告知书, 答复意见书 …); internal forms are not listed."""
    return {"items": notices.petitioner_documents(session(), _own_petition(tracking_code).id)}


@blp.route(
    "/public/petitions/<tracking_code>/documents/<int:document_id>.<any(pdf, docx):fmt>", methods=["GET"]
)
def public_download(tracking_code: str, document_id: int, fmt: str) -> Response:
    petition = _own_petition(tracking_code)
    document = notices.petitioner_document(session(), petition.id, document_id)
    return _file(document, fmt, actor=petitions.PETITIONER_ACTOR)


@blp.route("/document-templates", methods=["GET"])
@blp.response(200, TemplateListSchema)
def list_templates() -> dict[str, Any]:
    require_role(ADMIN)
    return {"items": templates.list_templates(session())}


@blp.route("/document-templates/<kind>", methods=["PUT"])
@caller_first(require_role, ADMIN)
@blp.arguments(TemplateUpdateSchema)
@blp.response(200, TemplateSchema)
def replace_template(body: dict[str, Any], kind: str) -> Any:
    """Replace a notice template (admin); refused with the reason if it does not render."""
    user = require_role(ADMIN)
    app = services()
    with app.db.transaction() as tx:
        return templates.save_template(
            tx,
            kind=kind,
            title=body.get("title"),
            body=body["body"],
            actor=user.username,
            now=app.clock.now(),
        )


@blp.route("/document-templates/<kind>", methods=["DELETE"])
@blp.response(200, TemplateSchema)
def reset_template(kind: str) -> Any:
    """Back to the shipped default."""
    user = require_role(ADMIN)
    app = services()
    with app.db.transaction() as tx:
        return templates.reset_template(tx, kind, actor=user.username, now=app.clock.now())
