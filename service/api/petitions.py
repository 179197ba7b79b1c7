from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from service.api.context import caller_first, current_user, require_writer, services, session
from service.api.schemas.petitions import (
    CoHandlingRequestedSchema,
    CoHandlingRequestSchema,
    HistorySchema,
    PetitionCreatedSchema,
    PetitionCreateSchema,
    PetitionDetailSchema,
    PetitionFullSchema,
    PetitionListSchema,
    PetitionQuerySchema,
    PetitionViewSchema,
)
from service.errors import Forbidden
from service.identity.service import actor_for
from service.petitions import co_handling, reads
from service.petitions import service as petitions
from service.petitions.access import Viewer

blp = Blueprint("petitions", __name__, url_prefix="/api/v1/petitions", description="信访事项")


def _may_register() -> None:
    if not Viewer.of(current_user()).may_register:
        raise Forbidden("只有登记员和研判员可以登记信访事项")


@blp.route("", methods=["POST"])
@caller_first(_may_register)
@blp.arguments(PetitionCreateSchema)
@blp.response(201, PetitionCreatedSchema)
def register(body: dict[str, Any]) -> Any:
    user = current_user()
    app = services()
    with app.db.transaction() as tx:
        return petitions.register_petition(
            tx,
            runtime=app.runtime,
            clock=app.clock,
            sealer=app.sealer,
            actor=actor_for(user),
            registration=petitions.Registration(**body),
        )


@blp.route("", methods=["GET"])
@blp.arguments(PetitionQuerySchema, location="query")
@blp.response(200, PetitionListSchema)
def search(query: dict[str, Any]) -> dict[str, Any]:
    items, total = petitions.list_petitions(
        session(), Viewer.of(current_user()), petitions.PetitionQuery(**query)
    )
    return {"items": items, "total": total}


@blp.route("/<int:petition_id>", methods=["GET"])
@blp.response(200)
@blp.doc(
    responses={"200": {"description": "OK", "content": {"application/json": {"schema": PetitionFullSchema}}}}
)
def show(petition_id: int) -> dict[str, Any]:
    viewer = Viewer.of(current_user())
    petition = petitions.get_visible(session(), viewer, petition_id)
    app = services()
    view = petitions.detail(session(), viewer, petition, app.sealer)
    reads.record_identity_view(session(), app.db, viewer=viewer, petition=petition, now=app.clock.now())
    result: dict[str, Any] = PetitionDetailSchema().dump(petition) | PetitionViewSchema().dump(view)
    return result


@blp.route("/<int:petition_id>/history", methods=["GET"])
@blp.response(200, HistorySchema)
def history(petition_id: int) -> dict[str, Any]:
    viewer = Viewer.of(current_user())
    petition = petitions.get_visible(session(), viewer, petition_id)
    return {"items": petitions.history(session(), petition, viewer)}


@blp.route("/<int:petition_id>/co-handling", methods=["POST"])
@caller_first(require_writer)
@blp.arguments(CoHandlingRequestSchema)
@blp.response(201, CoHandlingRequestedSchema)
def request_co_handling(body: dict[str, Any], petition_id: int) -> dict[str, Any]:
    """联动: the lead department asks for more co-handling departments (the office reviews it)."""
    user = require_writer()
    app = services()
    with app.db.transaction() as tx:
        petition = petitions.get_visible(tx, Viewer.of(user), petition_id)
        instance_id = co_handling.request_co_handling(
            tx,
            runtime=app.runtime,
            petition=petition,
            actor=actor_for(user),
            departments=body["departments"],
            reason=body["reason"],
        )
    return {"process_instance_id": instance_id, "departments": sorted(set(body["departments"]))}
