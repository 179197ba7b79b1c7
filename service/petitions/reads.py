"""A petition's sensitive reads on the access log (service/audit/reads.py): a notice downloaded, and
a reporter's sealed identity shown to someone allowed to see it. The API and the pages call these
once the read has been allowed, before its content is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from service.audit.chain import PendingEvent
from service.audit.reads import DOCUMENT_DOWNLOADED, IDENTITY_VIEWED, record_read
from service.db import Database
from service.petitions import access
from service.petitions.access import Viewer
from service.petitions.models import Petition, PetitionDocument
from service.petitions.projection import business_key


def record_document_download(
    db: Database, *, actor: str, document: PetitionDocument, fmt: str, now: datetime
) -> None:
    """`actor` (a username, or the petitioner through the portal) downloaded `document` as `fmt`."""
    event = PendingEvent(
        actor=actor,
        action=DOCUMENT_DOWNLOADED,
        business_key=business_key(document.petition_id),
        data={"document_id": document.id, "kind": document.kind, "format": fmt},
    )
    record_read(db, event, now=now)


def record_identity_view(
    session: Session, db: Database, *, viewer: Viewer, petition: Petition, now: datetime
) -> None:
    """If `viewer` was just shown `petition`'s sealed identity (access.sealed_identity_shown), log it;
    a viewer who got the sealed view leaves nothing. `session` reads, `db` writes the event."""
    if access.sealed_identity_shown(session, viewer, petition):
        event = PendingEvent(
            actor=viewer.username, action=IDENTITY_VIEWED, business_key=business_key(petition.id)
        )
        record_read(db, event, now=now)
