"""Request-scoped access to the services, a read session and the authenticated user."""

from __future__ import annotations

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
    reader = session()
    g.user = services().tokens.resolve(reader, token.strip())
    # Hand the connection back to the pool: a command that follows reuses it for its transaction.
    services().db.release(reader)
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
