"""Petition search and list, the petition page, and registering a letter, visit or call."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from service.clock import LOCAL_TZ
from service.db import MAX_PAGE
from service.documents import html, render
from service.errors import Forbidden, Invalid
from service.identity.service import list_departments
from service.petitions import reads
from service.petitions import service as petitions
from service.petitions.models import PetitionDocument
from service.petitions.vocabulary import CHANNELS, PETITIONER_KINDS, REQUEST_TYPES, STATUSES
from service.web import context, queries
from service.web.context import db, services
from service.web.petition_view import petition_context
from service.web.validation import page_errors, petitioner_errors

blp = Blueprint("petitions", __name__, url_prefix="/work/petitions")
context.require_login(blp)
PER_PAGE = 20
# A notice's body on the petition page (beside a task too), laid out as its PDF and DOCX are.
blp.add_app_template_filter(html.to_html, "notice_html")


@blp.get("")
def index() -> str:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    if page > MAX_PAGE:
        message = f"页码应在 1–{MAX_PAGE} 之间"
        raise Invalid(message, errors={"page": message})
    query = petitions.PetitionQuery(
        status=request.args.get("status") or None,
        category=request.args.get("category") or None,
        department=request.args.get("department") or None,
        q=request.args.get("q", "").strip() or None,
        page=page,
        per_page=PER_PAGE,
    )
    items, total = petitions.list_petitions(db(), context.viewer(), query)
    return render_template(
        "work/petitions.html",
        items=items,
        total=total,
        query=query,
        pages=(total + PER_PAGE - 1) // PER_PAGE,
        statuses=STATUSES,
        departments=list_departments(db()),
        categories=queries.categories(db()),
        department_names=petitions.department_names(db()),
        by_identity=context.viewer().in_office,
    )


@blp.get("/<int:petition_id>")
def show(petition_id: int) -> str:
    petition = petitions.get_visible(db(), context.viewer(), petition_id)
    return render_template("work/petition.html", **petition_context(petition))


@blp.get("/<int:petition_id>/documents/<int:document_id>.<any(pdf, docx):fmt>")
def document(petition_id: int, document_id: int, fmt: str) -> Response:
    """A notice of the petition as PDF or DOCX, for whoever may view the petition (the page lists
    every notice to them, internal forms included); a document of another petition is refused."""
    petition = petitions.get_visible(db(), context.viewer(), petition_id)
    found = db().get(PetitionDocument, document_id)
    if found is None or found.petition_id != petition.id:
        raise Forbidden("该文书不属于此信访事项")
    (readable,) = petitions.sealed_documents(context.viewer(), petition, [found])
    file = render.notice_file(readable, fmt)
    app = services()
    reads.record_document_download(
        app.db, actor=context.viewer().username, document=found, fmt=fmt, now=app.clock.now()
    )
    return Response(file.content, mimetype=file.mimetype, headers={"Content-Disposition": file.disposition})


def _registration_form(values: MultiDict[str, str], errors: dict[str, str]) -> str:
    return render_template(
        "work/register.html",
        values=values,
        errors=errors,
        channels=CHANNELS,
        request_types=REQUEST_TYPES,
        kinds=PETITIONER_KINDS,
        categories=queries.categories(db()),
    )


@blp.get("/new")
def new() -> str:
    _require_registrar()
    return _registration_form(MultiDict({"channel": "visit", "headcount": "1"}), {})


@blp.post("/new")
def register() -> Response | tuple[str, int]:
    _require_registrar()
    form = request.form
    try:
        registration = _registration(form)
        app = services()
        with app.db.transaction() as tx:
            petition = petitions.register_petition(
                tx,
                runtime=app.runtime,
                clock=app.clock,
                sealer=app.sealer,
                actor=context.actor(),
                registration=registration,
            )
            petition_id, code = petition.id, petition.tracking_code
    except Invalid as error:
        return _registration_form(form, page_errors(form, error.errors) or {"_": error.detail}), 422
    flash(f"已登记，查询码 {code}（请告知信访人妥善保管）", "success")
    return redirect(url_for("web.petitions.show", petition_id=petition_id))


def _require_registrar() -> None:
    if not context.viewer().may_register:
        raise Forbidden("只有登记员和研判员可以登记信访事项")


def _registration(form: MultiDict[str, str]) -> petitions.Registration:
    """Typed registration from the page; the domain service checks the rest (codes, required text)."""
    anonymous = form.get("anonymous") == "1"
    person: dict[str, Any] = {
        k: (form.get(f"petitioner_{k}") or "").strip() or None for k in ("name", "phone", "kind", "id_number")
    }
    errors = petitioner_errors(person)
    headcount = form.get("headcount", "1").strip() or "1"
    if not headcount.isdigit():
        errors["headcount"] = "人数应为整数"
    report_days = form.get("report_days", "").strip()
    if report_days and not report_days.isdigit():
        errors["report_days"] = "报告期限应为天数"
    received_at = None
    if form.get("received_at"):
        try:
            received_at = datetime.fromisoformat(form["received_at"]).replace(tzinfo=LOCAL_TZ)
        except ValueError:
            errors["received_at"] = "收到时间格式不正确"
    if errors:
        raise Invalid("登记信息有误", errors=errors)
    return petitions.Registration(
        channel=form.get("channel", ""),
        request_type=form.get("request_type", ""),
        category=form.get("category", ""),
        title=form.get("title", ""),
        content=form.get("content", ""),
        petitioner=person,
        anonymous=anonymous,
        headcount=int(headcount),
        received_at=received_at,
        urgency="urgent" if form.get("urgency") == "urgent" else "normal",
        representatives=[
            name for name in re.split(r"[,，、;；\s]+", form.get("representatives", "")) if name
        ],
        assigned_by=form.get("assigned_by", "").strip() or None,
        report_days=int(report_days) if report_days else None,
    )
