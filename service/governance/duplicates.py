"""Likely duplicates (重复件), found when a petition is registered and proposed to the assessor.

Same petitioner (phone, else name), similar text (cosine of the term bags), and the earlier matter
still open: the assessor sees the proposal and decides at screening (`merge` with the earlier
tracking code). A merged petition counts once more on the earlier one (`repeat_count`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.governance.bulk import petitioner_key
from service.governance.models import DuplicateProposal, PetitionProfile
from service.governance.text import cosine, term_bag
from service.petitions.models import Petition
from service.petitions.vocabulary import CLOSED_STATUSES

SIMILARITY = 0.5
WINDOW = timedelta(days=180)
PROPOSED, MERGED, DISMISSED = "proposed", "merged", "dismissed"


def profile_petition(session: Session, petition: Petition) -> PetitionProfile:
    profile = session.get(PetitionProfile, petition.id)
    if profile is None:
        profile = PetitionProfile(
            petition_id=petition.id,
            received_at=petition.received_at,
            petitioner_key=None
            if petition.anonymous
            else petitioner_key(petition.petitioner_name, petition.petitioner_phone),
            terms=term_bag(petition.title, petition.content),
        )
        session.add(profile)
    return profile


def propose_duplicates(
    session: Session, petition: Petition, profile: PetitionProfile, now: datetime
) -> list[DuplicateProposal]:
    """Proposals for `petition`: the same person's open, similar petitions of the last half year."""
    if profile.petitioner_key is None:
        return []
    rows = session.execute(
        select(Petition, PetitionProfile.terms)
        .join(PetitionProfile, PetitionProfile.petition_id == Petition.id)
        .where(
            PetitionProfile.petitioner_key == profile.petitioner_key,
            PetitionProfile.received_at >= petition.received_at - WINDOW,
            Petition.id != petition.id,
            Petition.status.not_in(CLOSED_STATUSES),
        )
    ).all()
    proposals = []
    for earlier, terms in rows:
        score = cosine(
            {k: float(v) for k, v in terms.items()}, {k: float(v) for k, v in profile.terms.items()}
        )
        if score >= SIMILARITY:
            proposal = DuplicateProposal(
                petition_id=petition.id,
                candidate_id=earlier.id,
                score=round(score, 3),
                status=PROPOSED,
                proposed_at=now,
            )
            session.add(proposal)
            proposals.append(proposal)
    return sorted(proposals, key=lambda p: -p.score)


def settle_proposals(session: Session, petition_id: int, merged_into: int | None, now: datetime) -> None:
    """After screening: the proposal the assessor merged into is `merged`, the others `dismissed`."""
    for proposal in session.scalars(
        select(DuplicateProposal).where(
            DuplicateProposal.petition_id == petition_id, DuplicateProposal.status == PROPOSED
        )
    ):
        proposal.status = MERGED if proposal.candidate_id == merged_into else DISMISSED
        proposal.decided_at = now


def proposals_of(session: Session, petition_id: int) -> Sequence[tuple[DuplicateProposal, Petition]]:
    return session.execute(
        select(DuplicateProposal, Petition)
        .join(Petition, Petition.id == DuplicateProposal.candidate_id)
        .where(DuplicateProposal.petition_id == petition_id)
        .order_by(DuplicateProposal.score.desc())
    ).all()
