"""Everything a page shows about one petition: details, deadlines, documents, timeline, path."""

from __future__ import annotations

from typing import Any

from service.engine import catalog
from service.errors import NotFound
from service.identity.service import display_names
from service.petitions import service as petitions
from service.petitions.models import Petition
from service.petitions.vocabulary import CHANNELS, PETITIONER_KINDS, REQUEST_TYPES, SATISFACTION
from service.web import context, queries
from service.web.context import db, services
from service.web.present import DEADLINE_STATUSES, group_label, timeline

LABELS = {
    "channels": CHANNELS,
    "request_types": REQUEST_TYPES,
    "kinds": PETITIONER_KINDS,
    "satisfaction": SATISFACTION,
}


def petition_context(petition: Petition) -> dict[str, Any]:
    """The template context of a petition the viewer may see (the caller checked visibility)."""
    session = db()
    departments = petitions.department_names(session)
    detail = petitions.detail(session, context.viewer(), petition, services().sealer)
    events = list(petitions.history(session, petition))
    path = None
    if petition.process_instance_id:
        try:
            path = catalog.instance_view(session, petition.process_instance_id)
        except NotFound:
            path = None
    return {
        "detail": detail,
        "petition": petition,
        "departments": departments,
        "timeline": timeline(events, display_names(session, {e.actor for e in events}), departments),
        "path": path,
        "labels": LABELS,
        "category_names": dict(queries.categories(session)),
        "deadline_labels": DEADLINE_STATUSES,
        "group_label": lambda group: group_label(group, departments),
    }
