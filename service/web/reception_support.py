"""Small helpers of the reception pages: who is acting, names and dates, and how a change is run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import flash, redirect, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from service.clock import LOCAL_TZ
from service.db import MAX_ID
from service.errors import DomainError, Invalid
from service.identity.models import User
from service.identity.roles import LEADER
from service.petitions.models import Petition
from service.reception.service import Caller
from service.web import context
from service.web.context import db, services


def caller() -> Caller:
    context.actor()  # the auditor only reads
    user = context.current_user()
    return Caller(user.username, user.role)


def names() -> dict[str, str]:
    return dict(db().execute(select(User.username, User.display_name)).all())


def leaders() -> list[tuple[str, str]]:
    rows = db().execute(
        select(User.username, User.display_name)
        .where(User.role == LEADER, User.active.is_(True))
        .order_by(User.id)
    )
    return [(u, n) for u, n in rows]


def today() -> date:
    return services().clock.now().astimezone(LOCAL_TZ).date()


def act(action: Callable[[], Any], success: str, back: str) -> Response:
    """Run one change; a refused change comes back to the page as a message, never as a traceback."""
    try:
        action()
    except DomainError as error:
        details = "；".join(str(v) for v in error.errors.values())
        flash(f"{error.detail}{('：' + details) if details else ''}", "error")
    else:
        flash(success, "success")
    return redirect(back)


def form_date(name: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError as error:
        raise Invalid("日期格式不正确", errors={name: "应为 YYYY-MM-DD"}) from error


def petition_id(raw: str | None) -> int | None:
    """A petition by id or tracking code, as typed on a page."""
    text = (raw or "").strip()
    if not text:
        return None
    if text.isdigit():
        if int(text) > MAX_ID:
            raise Invalid("信访事项不存在", errors={"petition": f"没有编号为 {text} 的信访事项"})
        return int(text)
    found = db().scalar(select(Petition.id).where(Petition.tracking_code == text.upper()))
    if found is None:
        raise Invalid("信访事项不存在", errors={"petition": f"没有查询码为 {text} 的信访事项"})
    return found
