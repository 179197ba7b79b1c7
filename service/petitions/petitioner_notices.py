"""The notices a petitioner may read and download (the portal and the public API)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.petitions.models import PetitionDocument


def petitioner_documents(session: Session, petition_id: int) -> Sequence[PetitionDocument]:
    """The notices addressed to the petitioner (受理告知书, 答复意见书 …) in the order issued; internal
    forms such as the 交办单 and 督办单 are never among them."""
    return session.scalars(
        select(PetitionDocument)
        .where(PetitionDocument.petition_id == petition_id, PetitionDocument.for_petitioner.is_(True))
        .order_by(PetitionDocument.id)
    ).all()


def petitioner_document(session: Session, petition_id: int, document_id: int) -> PetitionDocument:
    """One of the petitioner's own notices; any other document (or another petition's) is not found."""
    found = next((d for d in petitioner_documents(session, petition_id) if d.id == document_id), None)
    if found is None:
        raise NotFound("文书不存在")
    return found
