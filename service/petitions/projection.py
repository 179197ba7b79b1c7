"""Keeps the `petition` row in step with its process instance, inside the runtime's transaction.

The diagram and this module share a small vocabulary of process variables (documented in the
README): `department`, `co_departments`, `statutory_class`, `urgency`, `reply_text`,
`reply_outcome`, `satisfaction`, `follow_up_comment`, `extended_by`, `decision`, `duplicate_of`,
`reason`, `route`; and two element properties: `status` and `document`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from service.engine.commands import StartInstance
from service.engine.models import HumanTask
from service.engine.runtime import Outcome
from service.petitions import documents
from service.petitions.codes import petition_by_code
from service.petitions.models import Petition, PetitionDepartment, PetitionDocument

BUSINESS_KEY_PREFIX = "petition:"
PROCESS_KEY = "petition"
REPLY_DOCUMENTS = frozenset({"reply_opinion", "direct_reply"})


def business_key(petition_id: int) -> str:
    return f"{BUSINESS_KEY_PREFIX}{petition_id}"


def petition_id_of(key: str | None) -> int | None:
    if key and key.startswith(BUSINESS_KEY_PREFIX):
        return int(key[len(BUSINESS_KEY_PREFIX) :])
    return None


class PetitionProjection:
    def __init__(self, sources: documents.NoticeSources) -> None:
        self._sources = sources

    def on_outcome(self, session: Session, outcome: Outcome) -> None:
        with session.no_autoflush:  # one UPDATE of the petition at the end, not one per change
            self._project(session, outcome)

    def _project(self, session: Session, outcome: Outcome) -> None:
        # Other processes about a petition (supervision, review) keep their own projections.
        petition = petition_of(session, outcome, PROCESS_KEY)
        if petition is None:
            return
        variables = outcome.variables
        if isinstance(outcome.command, StartInstance):
            outcome.record(
                "petition.registered",
                channel=petition.channel,
                request_type=petition.request_type,
                category=petition.category,
                tracking_code=petition.tracking_code,
            )
        self._route(session, petition, variables, outcome)
        self._copy_fields(petition, variables)
        self._merge(session, petition, variables, outcome)
        status = outcome.instance.business_status
        if status and status != petition.status:
            outcome.record("petition.status_changed", actor="system", old=petition.status, new=status)
            petition.status = status
        if outcome.ended and petition.closed_at is None:
            petition.closed_at = outcome.now
        petition.updated_at = outcome.now
        # Last: issuing a notice flushes (its id goes into the audit event), and the notice reads the
        # petition as it now is.
        issued = issue_reached_documents(session, petition, outcome, self._sources)
        if REPLY_DOCUMENTS.intersection(issued):
            petition.replied_at = outcome.now

    @staticmethod
    def _route(session: Session, petition: Petition, variables: Mapping[str, Any], outcome: Outcome) -> None:
        lead = variables.get("department")
        co = sorted({c for c in variables.get("co_departments") or [] if c != lead})
        if not lead or (lead == petition.department and co == sorted(petition.co_departments or [])):
            return
        petition.department, petition.co_departments = lead, co
        session.execute(delete(PetitionDepartment).where(PetitionDepartment.petition_id == petition.id))
        session.add(
            PetitionDepartment(
                petition_id=petition.id, department_code=lead, role="lead", assigned_at=outcome.now
            )
        )
        session.add_all(
            PetitionDepartment(
                petition_id=petition.id, department_code=code, role="co", assigned_at=outcome.now
            )
            for code in co
        )
        outcome.record("petition.routed", department=lead, co_departments=co)

    @staticmethod
    def _copy_fields(petition: Petition, variables: Mapping[str, Any]) -> None:
        if variables.get("statutory_class") in ("proposal", "accusation", "claim", "none"):
            petition.statutory_class = variables["statutory_class"]
        if variables.get("urgency") in ("normal", "urgent"):
            petition.urgency = variables["urgency"]
        if variables.get("reply_text"):
            petition.reply_text = variables["reply_text"]
            petition.reply_outcome = variables.get("reply_outcome")
        if variables.get("satisfaction"):
            petition.satisfaction = variables["satisfaction"]
            petition.evaluation_comment = variables.get("follow_up_comment")
        elif variables.get("feedback_result"):  # 检举控告类: the result is fed back, not rated
            petition.evaluation_comment = variables.get("follow_up_comment")
        if isinstance(variables.get("extended_by"), int):
            petition.extension_days = variables["extended_by"]

    @staticmethod
    def _merge(session: Session, petition: Petition, variables: Mapping[str, Any], outcome: Outcome) -> None:
        if variables.get("decision") != "merge" or petition.duplicate_of_id is not None:
            return
        target = petition_by_code(session, variables.get("duplicate_of"))
        if target is None:
            return
        petition.duplicate_of_id = target.id
        target.repeat_count += 1
        outcome.record("petition.merged", into=target.tracking_code)


def petition_of(session: Session, outcome: Outcome, model_key: str) -> Petition | None:
    """The petition an outcome of a `model_key` process is about, or None for any other process."""
    petition_id = petition_id_of(outcome.instance.business_key)
    if petition_id is None or outcome.instance.model_key != model_key:
        return None
    return load_petition(session, petition_id)


def petition_of_task(session: Session, task: HumanTask) -> Petition | None:
    """The petition a task is about (any of its processes), or None; read once per unit of work."""
    petition_id = petition_id_of(task.business_key)
    return load_petition(session, petition_id) if petition_id is not None else None


def load_petition(session: Session, petition_id: int) -> Petition | None:
    """The petition, read once per unit of work: form checks and every listener of a command share it.

    The session's identity map holds objects weakly, so a petition a form check read and let go
    would be read again by the projection; the unit of work's own dict keeps it."""
    loaded: dict[int, Petition] = session.info.setdefault("petitions", {})
    petition = loaded.get(petition_id) or session.get(Petition, petition_id)
    if petition is not None:
        loaded[petition_id] = petition
    return petition


def issue_reached_documents(
    session: Session,
    petition: Petition,
    outcome: Outcome,
    sources: documents.NoticeSources,
) -> list[str]:
    """Issue the notice of every element this command reached that names a `document` (or several,
    comma-separated, each issued when it applies); return the kinds issued."""
    kinds = (
        k.strip() for _, properties in outcome.reached for k in properties.get("document", "").split(",")
    )
    return [kind for kind in kinds if kind and issue_document(session, petition, kind, outcome, sources)]


def issue_document(
    session: Session, petition: Petition, kind: str, outcome: Outcome, sources: documents.NoticeSources
) -> PetitionDocument | None:
    """Issue one notice of `kind` (None when it does not apply) and put it in the audit trail."""
    document = documents.issue(
        session, petition, kind, variables=outcome.variables, sources=sources, now=outcome.now
    )
    if document is not None:
        outcome.record(
            "document.issued",
            actor="system",
            kind=kind,
            number=document.number,
            title=document.title,
            document_id=document.id,
        )
    return document
