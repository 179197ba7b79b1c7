"""The public portal (no login, phone-sized): submit online, keep the code, track, evaluate.

Only the domain's public view is shown: status, a timeline without internal names or notes, and
the reply once served, and the notices addressed to the petitioner (PDF or DOCX). Tracking codes
travel in form posts and the signed session, never in URLs (downloads included): the page that
shows a new code once carries it to the lookup in a form post, and the lookup is rate limited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from service.documents import render
from service.engine.commands import Actor
from service.engine.models import HumanTask
from service.errors import Invalid, NotFound
from service.petitions import petitioner_notices as notices
from service.petitions import public, reads, review
from service.petitions import service as petitions
from service.petitions.models import Petition
from service.petitions.vocabulary import PETITIONER_KINDS, REQUEST_TYPES, SATISFACTION
from service.web import queries
from service.web.context import db, services
from service.web.i18n import local_date
from service.web.ratelimit import hit_client
from service.web.validation import page_errors, petitioner_errors

blp = Blueprint("portal", __name__, url_prefix="/portal")
_ISSUED, _TRACKED = "portal_issued_code", "portal_tracked_code"
# The office's task that registers a 复查/复核 request and forwards it to the competent body
# (processes/review.bpmn); until it is completed the request has only been received.
_REVIEW_REGISTRATION_FORM = "review_request"


@blp.before_request
def _rate_limit() -> None:
    if request.method == "POST" or request.endpoint in ("web.portal.status", "web.portal.document"):
        hit_client()


@blp.get("")
def index() -> str:
    return render_template("portal/index.html")


def _submit_form(values: MultiDict[str, str], errors: dict[str, str]) -> str:
    return render_template(
        "portal/submit.html",
        values=values,
        errors=errors,
        request_types=REQUEST_TYPES,
        kinds=PETITIONER_KINDS,
        categories=queries.categories(db()),
    )


@blp.get("/submit")
def submit_form() -> str:
    return _submit_form(MultiDict(), {})


@blp.post("/submit")
def submit() -> Response | tuple[str, int]:
    form, anonymous = request.form, request.form.get("anonymous") == "1"
    person = {
        "name": form.get("name", "").strip() or None,
        "phone": form.get("phone", "").strip() or None,
        "kind": form.get("kind") or None,
    }
    registration = petitions.Registration(
        channel="online",
        request_type=form.get("request_type", ""),
        category=form.get("category", ""),
        title=form.get("title", "")[:200],
        content=form.get("content", "")[:20000],
        petitioner=person,
        anonymous=anonymous,
    )
    app = services()
    try:
        if bad := petitioner_errors(person):
            raise Invalid("信息有误", errors=bad)
        with app.db.transaction() as tx:
            petition = petitions.register_petition(
                tx,
                runtime=app.runtime,
                clock=app.clock,
                sealer=app.sealer,
                actor=Actor(username=petitions.PUBLIC_ACTOR),
                registration=registration,
            )
            session[_ISSUED] = petition.tracking_code
    except Invalid as error:
        return _submit_form(form, page_errors(form, error.errors)), 422
    return redirect(url_for("web.portal.submitted"))


@blp.get("/submitted")
def submitted() -> str:
    """The tracking code, shown exactly once: a reload no longer shows it. Its next step posts the
    code to the lookup (never in a URL), so following it keeps the code in the session."""
    return render_template("portal/submitted.html", code=session.pop(_ISSUED, None))


@blp.get("/track")
def track_form() -> str:
    return render_template("portal/track.html", error=None, code="")


@blp.post("/track")
def track() -> Response | tuple[str, int]:
    code = request.form.get("code", "").strip().upper()
    try:
        petitions.find_by_code(db(), code)
    except NotFound as error:
        return render_template("portal/track.html", error=error.detail, code=code), 404
    session[_TRACKED] = code
    return redirect(url_for("web.portal.status"))


@blp.get("/status")
def status() -> str | Response:
    code = session.get(_TRACKED)
    if not code:
        return redirect(url_for("web.portal.track_form"))
    return _status_page(code, review_error=None)


def _status_page(code: str, review_error: str | None) -> str:
    """The public view, the petitioner's own notices (never internal forms) and the forms that apply."""
    app, petition = services(), petitions.find_by_code(db(), code)
    window = review.review_window(db(), app.calendar.current(), petition, app.clock.now())
    view = public.public_view(db(), petition, review=window.as_dict())
    entries, state = _review_progress(db(), petition)
    view["timeline"] = sorted(view["timeline"] + entries, key=lambda item: item["at"])
    return render_template(
        "portal/status.html",
        view=view,
        documents=notices.petitioner_documents(db(), petition.id),
        satisfaction=SATISFACTION,
        review_error=review_error,
        review_state=state,
    )


def _review_progress(session: Session, petition: Petition) -> tuple[list[dict[str, Any]], str | None]:
    """Each 复查/复核 request as far as it has got beyond being received (the public timeline has
    that): registered and forwarded to the competent body (named) once the office has completed its
    registration task. Returns those timeline entries and a sentence on the latest undecided request."""
    entries: list[dict[str, Any]] = []
    state = None
    for row in review.reviews_of(session, petition.id):
        level, body = review.LEVEL_LABELS.get(row.level, "复查/复核"), row.review_body or "上级机关"
        forwarded_at = _forwarded_at(session, row.instance_id)
        if forwarded_at is not None:
            entries.append({"at": forwarded_at, "event": f"信访办已登记{level}请求并报送{body}"})
        if row.decided_at is not None:
            state = None
        elif forwarded_at is None:
            state = _received_text(level, row.requested_at)
        else:
            state = (
                f"信访办已于 {local_date(forwarded_at)} 登记您的{level}请求并报送{body}，"
                f"{level}意见作出后将告知您。"
            )
    return entries, state


def _forwarded_at(session: Session, instance_id: str) -> datetime | None:
    return session.scalar(
        select(HumanTask.completed_at).where(
            HumanTask.instance_id == instance_id,
            HumanTask.form_key == _REVIEW_REGISTRATION_FORM,
            HumanTask.completed_at.is_not(None),
        )
    )


def _received_text(level: str, requested_at: datetime) -> str:
    return (
        f"已收到您的{level}请求（{local_date(requested_at)}）。"
        f"信访办将登记并报送有权处理的上级机关，{level}意见作出后将告知您。"
    )


@blp.get("/documents/<int:document_id>.<any(pdf, docx):fmt>")
def document(document_id: int, fmt: str) -> Response:
    """A notice of the tracked petition as PDF or DOCX: the code stays in the session, not the URL."""
    code = session.get(_TRACKED)
    if not code:
        return redirect(url_for("web.portal.track_form"))
    found = notices.petitioner_document(db(), petitions.find_by_code(db(), code).id, document_id)
    file = render.notice_file(found, fmt)
    app = services()
    reads.record_document_download(
        app.db, actor=petitions.PETITIONER_ACTOR, document=found, fmt=fmt, now=app.clock.now()
    )
    return Response(file.content, mimetype=file.mimetype, headers={"Content-Disposition": file.disposition})


@blp.post("/review")
def request_review() -> Response | tuple[str, int]:
    """复查 within 30 days of the written reply, 复核 within 30 days of the 复查 opinion (arts. 35–36)."""
    code, reason = session.get(_TRACKED), request.form.get("reason", "").strip()[:3000]
    if not code:
        return redirect(url_for("web.portal.track_form"))
    if len(reason) < 2:
        return _status_page(code, review_error="请写明请求复查（复核）的事实和理由"), 422
    app = services()
    with app.db.transaction() as tx:
        petition = petitions.find_by_code(tx, code)
        review.request_review(
            tx,
            runtime=app.runtime,
            petition=petition,
            actor=Actor(username=petitions.PETITIONER_ACTOR),
            via="public",
            reason=reason,
        )
        latest = review.reviews_of(tx, petition.id)[-1]
        received = _received_text(review.LEVEL_LABELS.get(latest.level, "复查/复核"), latest.requested_at)
    # Received, not yet registered: the office's registration task has only just been created.
    flash(received, "success")
    return redirect(url_for("web.portal.status"))


@blp.post("/evaluate")
def evaluate() -> Response:
    code = session.get(_TRACKED)
    if not code:
        return redirect(url_for("web.portal.track_form"))
    resolved = {"true": True, "false": False}.get(request.form.get("resolved", ""))
    app = services()
    with app.db.transaction() as tx:
        public.evaluate(
            tx,
            runtime=app.runtime,
            petition=petitions.find_by_code(tx, code),
            satisfaction=request.form.get("satisfaction", ""),
            comment=request.form.get("comment", "")[:2000],
            resolved=resolved,
        )
    flash("感谢您的评价！", "success")
    return redirect(url_for("web.portal.status"))


@blp.post("/forget")
def forget() -> Response:
    session.pop(_TRACKED, None)
    return redirect(url_for("web.portal.index"))
