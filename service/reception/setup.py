"""Plugs reception into the runtime: the visit → duty-leader listener, follow-ups, and the petition view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from service.db import Database
from service.engine.runtime import Runtime
from service.petitions import service as petitions
from service.petitions.models import Petition
from service.reception.projection import ReceptionProjection
from service.reception.service import case_leader_of


def install(runtime: Runtime, db: Database) -> None:
    runtime.add_listener(ReceptionProjection())
    petitions.DETAIL_EXTENSIONS["case_leader"] = _case_leader


def _case_leader(session: Session, petition: Petition) -> Mapping[str, Any]:
    return {"case_leader": case_leader_of(session, petition.id)}
