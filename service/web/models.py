"""Process models and versions: the viewer, the bpmn-js modeler, deploy from the browser, diffs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from service.db import MAX_ID
from service.engine import catalog
from service.engine.deployment import deploy_source
from service.engine.diff import diff_versions
from service.engine.specs import DeployRejected, Problem
from service.errors import NotFound
from service.identity.roles import ADMIN, ROLES
from service.identity.service import display_names
from service.web import context, security
from service.web.context import db, services

blp = Blueprint("models", __name__, url_prefix="/work/models")
context.require_login(blp)
MAX_SOURCE = 2 * 1024 * 1024


@blp.get("")
def index() -> str:
    models = catalog.list_models(db())
    return render_template("models/index.html", models=models, deployers=_deployers(models))


@blp.get("/<key>/versions/<int:number>")
def version(key: str, number: int) -> str:
    meta = catalog.version_metadata(db(), catalog.get_version(db(), key, number))
    latest = max(
        (v["version"] for m in catalog.list_models(db()) if m["key"] == key for v in m["versions"]),
        default=number,
    )
    return render_template(
        "models/version.html", meta=meta, latest=latest, deployers=_deployers([{"versions": [meta]}])
    )


@blp.get("/<key>/versions/<int:number>/bpmn")
def source(key: str, number: int) -> Response:
    row = catalog.get_version(db(), key, number)
    mimetype = "application/json" if row.source.lstrip().startswith("{") else "application/xml"
    return Response(row.source, mimetype=mimetype)


@blp.get("/<key>/versions/<int:number>/edit")
def edit(key: str, number: int) -> str:
    context.require_role(ADMIN)
    meta = catalog.version_metadata(db(), catalog.get_version(db(), key, number))
    security.allow_inline_styles()
    return render_template("models/modeler.html", meta=meta)


@blp.post("/deploy")
def deploy() -> tuple[Response, int]:
    """Save from the modeler: validate and deploy as a new version, or answer with every reason.
    Content identical to a deployed version (same sha256) answers 200 with that version."""
    user = context.require_role(ADMIN)
    body: dict[str, Any] = request.get_json(silent=True) or {}
    xml, filename = str(body.get("xml") or ""), str(body.get("filename") or "model.bpmn")
    if not xml.strip() or len(xml) > MAX_SOURCE:
        return jsonify(problems=[Problem(None, "流程定义为空或过大").as_dict()]), 422
    app = services()
    try:
        with app.db.transaction() as tx:
            deployed = deploy_source(
                tx, source=xml, filename=filename, actor=user.username, roles=ROLES, now=app.clock.now()
            )
    except DeployRejected as rejected:
        return jsonify(problems=[p.as_dict() for p in rejected.problems]), 422
    key, number = deployed.key, deployed.version
    return jsonify(
        key=key,
        version=number,
        created=deployed.created,
        url=url_for("web.models.version", key=key, number=number),
        edit_url=url_for("web.models.edit", key=key, number=number),
        source_url=url_for("web.models.source", key=key, number=number),
    ), (201 if deployed.created else 200)


def _version_arg(key: str, name: str) -> int | None:
    """A version number from the query (None when absent or not a number). A number no version
    column can hold names no version: 404 before any query, as the <int:…> routes answer."""
    number = request.args.get(name, type=int)
    if number is not None and not -MAX_ID <= number <= MAX_ID:
        raise NotFound(f"{key} 没有版本 {number}")
    return number


@blp.get("/<key>/diff")
def diff(key: str) -> str:
    to_version = _version_arg(key, "to") or 1
    from_version = _version_arg(key, "from") or max(to_version - 1, 1)
    result = diff_versions(db(), key, from_version, to_version)
    versions: list[dict[str, Any]] = next(
        (m["versions"] for m in catalog.list_models(db()) if m["key"] == key), []
    )
    return render_template("models/diff.html", diff=result, versions=versions)


def _deployers(models: list[dict[str, Any]]) -> dict[str, str]:
    """Who deployed each version, by name; `cli` is `petitionflow init` on the server."""
    usernames = {v["deployed_by"] for m in models for v in m["versions"]}
    return {"cli": "命令行（初始化）"} | display_names(db(), usernames - {"cli"})
