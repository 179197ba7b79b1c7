"""Request-scoped access to the services, a read session and the authenticated user."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy.orm import Session

from service.container import Services, services_of
from service.errors import Forbidden, Unauthorized
from service.identity.models import User


def services() -> Services:
    return services_of(current_app)


def session() -> Session:
    """The request's read session (closed when the request ends). Writes use db.transaction()."""
    if "db_session" not in g:
        g.db_session = services().db.session()
    return g.db_session  # type: ignore[no-any-return]


def close_session(_error: BaseException | None = None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def current_user() -> User:
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("需要登录（Authorization: Bearer <token>）")
    g.user = services().tokens.resolve(token.strip(), session)
    if "db_session" in g:
        # Hand the connection back to the pool: a command that follows reuses it for its transaction.
        services().db.release(g.db_session)
    return g.user  # type: ignore[no-any-return]


def require_role(*roles: str) -> User:
    user = current_user()
    if roles and user.role not in roles:
        raise Forbidden("当前角色无权执行此操作")
    return user


def require_writer() -> User:
    """Any authenticated user who may change things (the auditor reads only)."""
    user = current_user()
    if user.role == "auditor":
        raise Forbidden("审计员只能查看，不能修改")
    return user


View = TypeVar("View", bound=Callable[..., Any])
_OPEN_PREFIXES = ("/api/v1/auth/", "/api/v1/public/", "/api/v1/openapi.json")


def authenticate_api_request() -> None:
    """Every /api/v1 route outside auth and public needs a bearer token: answer 401 before a body or
    query is parsed, so a caller without one learns nothing from validation errors or lookups."""
    path = request.path
    if path.startswith("/api/v1/") and not path.startswith(_OPEN_PREFIXES) and request.method != "OPTIONS":
        current_user()


def caller_first(check: Callable[..., object], *args: Any) -> Callable[[View], View]:
    """Run `check(*args)` (e.g. `require_role, ADMIN`) before the body is parsed: a caller who may
    not do this gets 403, not the form's 422. Goes between `@blp.route` and `@blp.arguments`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(*view_args: Any, **view_kwargs: Any) -> Any:
            check(*args)
            return view(*view_args, **view_kwargs)

        return checked  # type: ignore[return-value]

    return decorate
