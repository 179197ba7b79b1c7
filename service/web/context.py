"""Request-scoped access for pages: the services, a read session and the signed-in user.

The browser session (Flask's signed, HttpOnly cookie) holds the user's id and token generation,
so bumping the generation (log out everywhere, password change) ends every page session too.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from service.container import Services, services_of
from service.engine.commands import Actor
from service.errors import Forbidden
from service.identity.models import User
from service.identity.roles import AUDITOR
from service.identity.service import actor_for
from service.petitions.access import Viewer


def services() -> Services:
    return services_of(current_app)


def db() -> Session:
    """The request's read session (closed when the request ends). Writes use db.transaction()."""
    if "web_db_session" not in g:
        g.web_db_session = services().db.session()
    return g.web_db_session  # type: ignore[no-any-return]


def close_session(_error: BaseException | None = None) -> None:
    reader = g.pop("web_db_session", None)
    if reader is not None:
        reader.close()


def sign_in(user: User) -> None:
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["gen"] = user.token_generation


def sign_out() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def signed_in_user() -> User | None:
    if "web_user" in g:
        return g.web_user  # type: ignore[no-any-return]
    user = db().get(User, session["uid"]) if "uid" in session else None
    if user is not None and (not user.active or user.token_generation != session.get("gen")):
        user = None
    g.web_user = user
    return user


def current_user() -> User:
    user = signed_in_user()
    if user is None:
        raise LoginRequired
    return user


def viewer() -> Viewer:
    return Viewer.of(current_user())


def actor() -> Actor:
    user = current_user()
    if user.role == AUDITOR:
        raise Forbidden("审计员只能查看，不能修改")
    return actor_for(user)


def require_role(*roles: str) -> User:
    user = current_user()
    if user.role not in roles:
        raise Forbidden("当前角色无权访问此页面")
    return user


class LoginRequired(Exception):
    """Raised by views that need a signed-in user; the error handler sends the browser to /login."""


def require_login(blueprint: Blueprint) -> None:
    """Every page of `blueprint` needs a signed-in user; others are sent to the login page."""

    @blueprint.before_request
    def _signed_in() -> Response | None:
        if signed_in_user() is None:
            return redirect(url_for("web.auth.login", next=request.full_path.rstrip("?")))
        return None
