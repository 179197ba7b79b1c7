"""Audit pages for auditors: search the trail, verify the hash chain, export what was found."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from service.audit import queries as audit_queries
from service.audit import reads
from service.audit.chain import verify as verify_chain
from service.audit.export import csv_chunks
from service.clock import LOCAL_TZ
from service.db import MAX_ID
from service.errors import DomainError, Invalid, NotFound
from service.identity.models import User
from service.identity.roles import ADMIN, AUDITOR
from service.identity.service import display_names
from service.petitions import service as petitions
from service.petitions.models import Petition
from service.web import context, queries
from service.web.action_labels import ACTION_GROUPS, action_choices, action_label, is_known
from service.web.context import db, services
from service.web.present import actor_label

blp = Blueprint("audit", __name__, url_prefix="/work/audit")
context.require_login(blp)
PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
FILTERS = ("actor", "action", "petition", "since", "until", "q")
# How actor_label() shows actors that are not users; the filter takes these names too.
_NAMED_ACTORS = {"系统": "system", "信访人（网上）": petitions.PUBLIC_ACTOR, "信访人": petitions.PUBLIC_ACTOR}
_CODE = re.compile(r"[A-Za-z0-9]{12}")
_NUMBER = re.compile(r"[0-9]{1,10}")
_FIELD_NAMES = {"from": "自", "to": "至"}


@blp.before_request
def _auditors_only() -> None:
    context.require_role(AUDITOR, ADMIN)


@dataclass(frozen=True)
class Search:
    audit_filter: audit_queries.AuditFilter
    petition: Petition | None  # the one asked for in 事项编号


def _search(session: Session, args: MultiDict[str, str]) -> Search:
    """The page's filters; Invalid for input that is not a filter, NotFound for no such petition."""
    petition = _petition(session, args.get("petition", ""))
    action = args.get("action", "").strip()
    if action and not is_known(action):
        raise Invalid("查询条件有误", errors={"action": f"没有这种动作：{action}"})
    actor = args.get("actor", "").strip()
    audit_filter = audit_queries.make_filter(
        petition_id=petition.id if petition else None,
        action=f"{action}." if action in ACTION_GROUPS else action,
        since=args.get("since", "").strip() or None,
        until=args.get("until", "").strip() or None,
        actors=_usernames(session, actor) if actor else None,
        instance_or_task=args.get("q", "").strip() or None,
    )
    return Search(audit_filter, petition)


def _petition(session: Session, text: str) -> Petition | None:
    """事项编号: the petition's number or its tracking code (any case, dashes optional)."""
    value = text.strip()
    if not value:
        return None
    petition: Petition | None = None
    if _NUMBER.fullmatch(value):
        petition = session.get(Petition, int(value)) if int(value) <= MAX_ID else None
    else:
        code = value.upper()
        if _CODE.fullmatch(code):
            code = f"{code[:4]}-{code[4:8]}-{code[8:]}"
        try:
            petition = petitions.find_by_code(session, code)
        except NotFound:
            petition = None
    if petition is None:
        raise NotFound(f"未找到该事项：{value}（请核对查询码或事项编号）")
    return petition


def _usernames(session: Session, text: str) -> set[str]:
    """操作人: a username exactly, or the display name of one or more users (系统 and 信访人 too)."""
    named = session.scalars(select(User.username).where(User.display_name == text))
    return {text, *named, *([_NAMED_ACTORS[text]] if text in _NAMED_ACTORS else [])}


def _cursor(args: MultiDict[str, str]) -> tuple[int | None, int | None]:
    """The keyset cursor: `before` an event id (older page) or `after` one (newer page)."""
    found: list[int | None] = []
    for name in ("before", "after"):
        value = args.get(name, "").strip()
        if value and (not _NUMBER.fullmatch(value) or int(value) > MAX_ID):
            raise Invalid("分页参数有误", errors={name: f"{value} 不是事件序号"})
        found.append(int(value) if value else None)
    return found[0], found[1]


def _message(error: DomainError) -> str:
    parts = [error.detail]
    for key, text in error.errors.items():
        name = _FIELD_NAMES.get(key)
        parts.append(f"{name}：{text}" if name else str(text))
    return "；".join(parts)


def _page(status: int = 200, *, error: str | None = None, **values: Any) -> tuple[str, int]:
    filters = {name: request.args.get(name, "") for name in FILTERS}
    html = render_template(
        "audit/index.html",
        args=filters,
        query={name: value for name, value in filters.items() if value},
        error=error,
        action_choices=list(action_choices()),
        action_label=action_label,
        actor_label=actor_label,
        **({"page": None, "petition": None, "names": {}, "subjects": {}} | values),
    )
    return html, status


@blp.get("")
def index() -> tuple[str, int]:
    session = db()
    try:
        search = _search(session, request.args)
        before, after = _cursor(request.args)
    except NotFound as error:
        return _page(404, error=_message(error))
    except Invalid as error:
        return _page(422, error=_message(error))
    page = audit_queries.page_events(session, search.audit_filter, before=before, after=after, size=PAGE_SIZE)
    ids = {audit_queries.petition_id_of(e.business_key) for e in page.events}
    found = queries.petitions_by_id(session, {i for i in ids if i is not None})
    return _page(
        page=page,
        petition=search.petition,
        names=display_names(session, {e.actor for e in page.events}),
        subjects={f"{audit_queries.PETITION_KEY}{i}": p for i, p in found.items()},
    )


@blp.post("/verify")
def verify() -> str:
    result = verify_chain(db())
    return render_template("audit/verify.html", result=result)


@blp.get("/export.csv")
def export() -> Response | tuple[str, int]:
    # The same file as the API's export (Chinese headers, Beijing time, stream and sequence).
    session = db()
    try:
        search = _search(session, request.args)
    except NotFound as error:
        return _page(404, error=_message(error))
    except Invalid as error:
        return _page(422, error=_message(error))
    events = audit_queries.newest_events(session, search.audit_filter, limit=EXPORT_LIMIT)
    body = "".join(csv_chunks(events))
    app = services()
    reads.record_export(
        app.db,
        actor=context.current_user().username,
        export="audit.events",
        fmt="csv",
        filters=search.audit_filter.as_dict() | {"limit": EXPORT_LIMIT},
        now=app.clock.now(),
    )
    stamp = datetime.now(LOCAL_TZ).strftime("%Y%m%d-%H%M%S")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
