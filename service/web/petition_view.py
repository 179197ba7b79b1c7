"""Everything a page shows about one petition: details, deadlines, documents, timeline, path, and
what other domains add (the case leader, supervision, reviews, duplicate proposals for the office)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.engine import catalog
from service.errors import NotFound
from service.governance import duplicates
from service.governance.vocabulary import DUPLICATE_STATUSES
from service.identity.roles import group_label
from service.identity.service import display_names
from service.petitions import reads, review, supervision
from service.petitions import service as petitions
from service.petitions.models import Petition
from service.petitions.vocabulary import (
    CHANNELS,
    NOTICE_LABELS,
    PETITIONER_KINDS,
    REQUEST_TYPES,
    REVIEW_VIA,
    SATISFACTION,
    STATUSES,
    SUPERVISION_STAGES,
    SUPERVISION_STATUSES,
)
from service.web import context, queries
from service.web.context import db, services
from service.web.present import DEADLINE_STATUSES, timeline

LABELS = {
    "channels": CHANNELS,
    "request_types": REQUEST_TYPES,
    "kinds": PETITIONER_KINDS,
    "satisfaction": SATISFACTION,
    "statuses": STATUSES,
    "supervision_statuses": SUPERVISION_STATUSES,
    "supervision_stages": SUPERVISION_STAGES,
    "supervision_levels": NOTICE_LABELS["level"],
    "supervision_triggers": NOTICE_LABELS["trigger"],
    "review_levels": review.LEVEL_LABELS,
    "review_via": REVIEW_VIA,
    "review_decisions": NOTICE_LABELS["review_decision"],
    "duplicate_statuses": DUPLICATE_STATUSES,
}


def petition_context(petition: Petition) -> dict[str, Any]:
    """The template context of a petition the viewer may see (the caller checked visibility)."""
    session, app = db(), services()
    departments = petitions.department_names(session)
    detail = petitions.detail(session, context.viewer(), petition, app.sealer)
    # Every page that shows the petition (its own, a task's, a refused form's) shows the writer too.
    reads.record_identity_view(
        session, app.db, viewer=context.viewer(), petition=petition, now=app.clock.now()
    )
    events = list(petitions.history(session, petition, context.viewer()))
    path = None
    if petition.process_instance_id:
        try:
            path = catalog.instance_view(session, petition.process_instance_id)
        except NotFound:
            path = None
    supervisions = supervision.list_supervisions(session, petition_id=petition.id)
    leader: str | None = detail.get("case_leader")
    people = {e.actor for e in events} | {s.started_by for s in supervisions}
    names = display_names(session, people | {leader} if leader else people)
    return {
        "detail": detail,
        "petition": petition,
        "departments": departments,
        "timeline": timeline(
            events, names, departments, queries.completed_forms(session, services().runtime, events)
        ),
        "path": path,
        "labels": LABELS,
        "category_names": dict(queries.categories(session)),
        "deadline_labels": DEADLINE_STATUSES,
        "group_label": lambda group: group_label(group, departments),
        "case_leader": names.get(leader, leader) if leader else None,
        "supervisions": supervisions,
        "reviews": review.reviews_of(session, petition.id),
        "duplicates": _duplicates(session, petition),
        "names": names,
    }


def _duplicates(session: Session, petition: Petition) -> list[Any] | None:
    """The proposals made at registration, for the office only (None: not shown to this viewer)."""
    if not context.viewer().in_office:
        return None
    return list(duplicates.proposals_of(session, petition.id))
