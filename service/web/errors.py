"""Errors on pages become pages: a clear Chinese message in the page's own layout, never a traceback."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from service.errors import (
    PAGE_ERRORS,
    DomainError,
    TooManyRequests,
    written_description,
)
from service.identity.roles import ROLE_LABELS
from service.web import navigation
from service.web.context import LoginRequired, signed_in_user

log = logging.getLogger(__name__)

# The workbench's own addresses: an error there wears the workbench's layout and title, signed in or
# not (after too many wrong passwords on /login, say), never the public portal's.
STAFF_PATHS = ("/work", "/login", "/logout")


def _is_staff_path(path: str) -> bool:
    return any(path == prefix or path.startswith(f"{prefix}/") for prefix in STAFF_PATHS)


def render_error(status: int, title: str, detail: str) -> tuple[str, int]:
    """The error in the layout of where it happened: the portal's, the workbench's with its menu for
    someone signed in, the workbench's without one on a staff address; elsewhere, the portal's for
    a visitor. The page globals are given here too: an address no page matches is answered outside
    the web blueprint, whose context processor never runs for it."""
    path = request.path
    portal = (request.blueprint or "").startswith("web.portal") or path.startswith("/portal")
    me = signed_in_user()
    if portal or (me is None and not _is_staff_path(path)):
        layout = "portal/layout.html"
    else:
        layout = "work/layout.html" if me is not None else "work/signed_out.html"
    page = render_template(
        "error.html",
        status=status,
        title=title,
        detail=detail,
        layout=layout,
        me=me,
        role_labels=ROLE_LABELS,
        my_pages=navigation.pages_for(me),
    )
    return page, status


def render_http_error(error: HTTPException) -> tuple[str, int]:
    """werkzeug's own English description gives way to ours; a description we wrote stays."""
    status = error.code or 500
    own = written_description(error)
    return render_error(
        status, _HTTP_TITLES.get(status, "请求无法完成"), own or _HTTP_DETAILS.get(status, "")
    )


def install_fallback(app: Flask) -> None:
    """Addresses no page matches (e.g. /portal/nope) are answered with a page, not the API's JSON."""
    app.extensions[PAGE_ERRORS] = render_http_error


def install(blueprint: Blueprint) -> None:
    @blueprint.errorhandler(LoginRequired)
    def _login(_error: LoginRequired) -> Response:
        return redirect(url_for("web.auth.login", next=request.full_path.rstrip("?")))

    @blueprint.errorhandler(DomainError)
    def _domain(error: DomainError) -> tuple[str, int, dict[str, str]]:
        status = error.status
        if status == 500:
            log.error("error on page %s: %s", request.path, error.detail)
        page, status = render_error(status, error.title, error.detail)
        retry_after = error.retry_after if isinstance(error, TooManyRequests) else None
        return page, status, ({"Retry-After": str(retry_after)} if retry_after is not None else {})

    @blueprint.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return render_error(400, "页面已过期", "表单校验码缺失或已过期，请返回上一页刷新后重新提交。")

    blueprint.register_error_handler(HTTPException, render_http_error)

    @blueprint.errorhandler(Exception)
    def _unexpected(_error: Exception) -> tuple[str, int]:
        log.exception("unhandled error on page %s", request.path)
        return render_error(500, "服务器内部错误", "服务器处理请求时出错，请稍后重试。")


_HTTP_TITLES = {
    400: "请求格式错误",
    404: "页面不存在",
    405: "不支持的请求方法",
    413: "提交内容过大",
}
_HTTP_DETAILS = {
    400: "请求无法识别，请返回上一页重试。",
    404: "您访问的页面不存在，请检查地址，或从导航进入。",
    405: "该页面不支持此操作，请从页面上的按钮进入。",
    413: "提交的内容过大，请精简后重试。",
}
