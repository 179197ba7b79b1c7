from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import fields

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema, LocalDateTime
from service.engine import catalog
from service.engine.bulk_migration import migrate_instances
from service.engine.commands import MigrateInstance
from service.engine.deployment import deploy_source
from service.engine.diff import diff_versions
from service.errors import Forbidden, Invalid
from service.identity.roles import ADMIN, ROLES
from service.identity.service import actor_for
from service.petitions import access
from service.petitions.models import Petition

blp = Blueprint("process_models", __name__, url_prefix="/api/v1", description="流程模型与实例")


class VersionSchema(BaseSchema):
    version = fields.Integer()
    sha256 = fields.String()
    deployed_at = LocalDateTime()
    deployed_by = fields.String()


class ModelSchema(BaseSchema):
    key = fields.String()
    name = fields.String()
    kind = fields.String()
    latest_version = fields.Integer(allow_none=True)
    versions = fields.List(fields.Nested(VersionSchema))


class ModelListSchema(BaseSchema):
    items = fields.List(fields.Nested(ModelSchema))


class VersionDetailSchema(VersionSchema):
    key = fields.String()
    name = fields.String()
    kind = fields.String()
    elements = fields.Dict()
    forms = fields.List(fields.String())
    decisions = fields.Dict()


class DeployedSchema(BaseSchema):
    key = fields.String()
    version = fields.Integer()
    kind = fields.String()
    created = fields.Boolean()
    dependents = fields.Function(
        lambda d: [{"key": key, "version": version} for key, version in d.dependents]
    )


class InstanceSchema(BaseSchema):
    id = fields.String()
    process_key = fields.String()
    version = fields.Integer()
    status = fields.String()
    business_key = fields.String(allow_none=True)
    business_status = fields.String(allow_none=True)
    completed_elements = fields.List(fields.String())
    active_elements = fields.List(fields.String())
    started_at = LocalDateTime()
    ended_at = LocalDateTime(allow_none=True)


@blp.route("/process-models", methods=["GET"])
@blp.response(200, ModelListSchema)
def list_models() -> dict[str, Any]:
    current_user()
    return {"items": catalog.list_models(session(), request.args.get("kind"))}


@blp.route("/process-models/<key>/versions/<int:number>", methods=["GET"])
@blp.response(200, VersionDetailSchema)
def version(key: str, number: int) -> dict[str, Any]:
    current_user()
    return catalog.version_metadata(session(), catalog.get_version(session(), key, number))


@blp.route("/process-models/<key>/versions/<int:number>/bpmn", methods=["GET"])
def version_source(key: str, number: int) -> Response:
    current_user()
    row = catalog.get_version(session(), key, number)
    mimetype = "application/json" if row.source.lstrip().startswith("{") else "application/xml"
    return Response(row.source, mimetype=mimetype)


_DEPLOY_BODY = {
    "required": True,
    "description": "BPMN/DMN as the body, or a form (JSON Schema); or a multipart upload named `file`",
    "content": {
        "application/xml": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
    },
}


@blp.route("/process-models", methods=["POST"])
@blp.response(201, DeployedSchema)
@blp.alt_response(422, description="未通过校验：errors 按元素列出，problems 给出每条原因")
@blp.doc(requestBody=_DEPLOY_BODY)
def deploy() -> Any:
    user = require_role(ADMIN)
    upload = request.files.get("file")
    if upload is not None:
        source, filename = upload.read(), upload.filename or "upload.bpmn"
    elif request.mimetype in ("application/xml", "text/xml", "application/json"):
        source = request.get_data()
        filename = "upload.json" if request.mimetype == "application/json" else "upload.bpmn"
    else:
        raise Invalid("请以 application/xml 请求体或 multipart 文件上传流程定义", errors={"file": "缺少文件"})
    app = services()
    with app.db.transaction() as tx:
        deployed = deploy_source(
            tx, source=source, filename=filename, actor=user.username, roles=ROLES, now=app.clock.now()
        )
    # 201 also when identical content returns the existing version (`created` false): the
    # contract promises 201 with the version a client should use.
    return deployed, 201


class DiffQuerySchema(BaseSchema):
    from_version = fields.Integer(required=True, data_key="from")
    to_version = fields.Integer(required=True, data_key="to")


class MigrateSchema(BaseSchema):
    to_version = fields.Integer(required=True)
    from_version = fields.Integer(load_default=None, allow_none=True)
    dry_run = fields.Boolean(load_default=True)


@blp.route("/process-models/<key>/diff", methods=["GET"])
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200)
def diff(query: dict[str, Any], key: str) -> dict[str, Any]:
    current_user()
    return diff_versions(session(), key, query["from_version"], query["to_version"])


@blp.route("/process-models/<key>/migrations", methods=["POST"])
@caller_first(require_role, ADMIN)
@blp.arguments(MigrateSchema)
@blp.response(200)
def migrate_model(body: dict[str, Any], key: str) -> dict[str, Any]:
    """Dry run (default) lists which running instances would move and which cannot; otherwise moves them."""
    user = require_role(ADMIN)
    return migrate_instances(
        services().runtime,
        model_key=key,
        to_version=body["to_version"],
        from_version=body["from_version"],
        dry_run=body["dry_run"],
        actor=actor_for(user),
    )


@blp.route("/process-instances/<instance_id>/migrate", methods=["POST"])
@caller_first(require_role, ADMIN)
@blp.arguments(MigrateSchema)
@blp.response(200)
def migrate_instance(body: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """Dry run (default): the waiting tasks or every reason it cannot move. Otherwise move it."""
    user = require_role(ADMIN)
    runtime = services().runtime
    if body["dry_run"]:
        return runtime.plan_migration(session(), instance_id, body["to_version"]).as_dict()
    runtime.execute(
        MigrateInstance(instance_id=instance_id, to_version=body["to_version"], actor=actor_for(user))
    )
    result: dict[str, Any] = InstanceSchema().dump(catalog.instance_view(session(), instance_id))
    return result


@blp.route("/process-instances/<instance_id>", methods=["GET"])
@blp.response(200, InstanceSchema)
def instance(instance_id: str) -> dict[str, Any]:
    user = current_user()
    view = catalog.instance_view(session(), instance_id)
    petition = session().query(Petition).filter(Petition.process_instance_id == instance_id).one_or_none()
    viewer = access.Viewer.of(user)
    if petition is not None and not access.may_view(session(), viewer, petition):
        raise Forbidden("无权查看该流程实例")
    if petition is None and not viewer.sees_all:
        raise Forbidden("无权查看该流程实例")
    return view
