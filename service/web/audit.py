"""Audit pages for auditors: search the trail, verify the hash chain, export what was found."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request

from service.audit.chain import verify as verify_chain
from service.audit.export import csv_chunks
from service.clock import LOCAL_TZ
from service.identity.roles import ADMIN, AUDITOR
from service.identity.service import display_names
from service.web import context, queries
from service.web.context import db
from service.web.present import actor_label

blp = Blueprint("audit", __name__, url_prefix="/work/audit")
context.require_login(blp)
EXPORT_LIMIT = 10_000


@blp.before_request
def _auditors_only() -> None:
    context.require_role(AUDITOR, ADMIN)


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").replace(tzinfo=LOCAL_TZ)
    except ValueError:
        return None
    return day + timedelta(days=1) if end else day


def _search(limit: int) -> list[Any]:
    args = request.args
    petition = args.get("petition", "").strip()
    return list(
        queries.audit_events(
            db(),
            actor=args.get("actor", "").strip() or None,
            action=args.get("action", "").strip() or None,
            business_key=f"petition:{petition}" if petition.isdigit() else None,
            since=_day(args.get("since")),
            until=_day(args.get("until"), end=True),
            q=args.get("q", "").strip() or None,
            limit=limit,
        )
    )


@blp.get("")
def index() -> str:
    events = _search(200)
    return render_template(
        "audit/index.html",
        events=events,
        args=request.args,
        names=display_names(db(), {e.actor for e in events}),
        actor_label=actor_label,
    )


@blp.post("/verify")
def verify() -> str:
    result = verify_chain(db())
    return render_template("audit/verify.html", result=result)


@blp.get("/export.csv")
def export() -> Response:
    # The same file as the API's export (Chinese headers, Beijing time, stream and sequence).
    body = "".join(csv_chunks(_search(EXPORT_LIMIT)))
    stamp = datetime.now(LOCAL_TZ).strftime("%Y%m%d-%H%M%S")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
