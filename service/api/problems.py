"""Every error leaves as application/problem+json; this is the one place errors become HTTP."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from service.engine.specs import DeployRejected
from service.errors import (
    PAGE_ERRORS,
    DomainError,
    TooManyRequests,
    Unauthorized,
    written_description,
)

log = logging.getLogger(__name__)

_HTTP_DETAILS = {404: "请求的地址不存在", 405: "该地址不支持此请求方法"}
# webargs' own words for a body it cannot parse.
_WEBARGS_MESSAGES: dict[str, str] = {"Invalid JSON body.": "请求体不是有效的 JSON"}
_HTTP_TITLES = {
    400: "请求格式错误",
    401: "未登录或登录已过期",
    403: "无权操作",
    404: "未找到",
    405: "不支持的请求方法",
    409: "状态冲突",
    413: "请求内容过大",
    415: "不支持的内容类型",
    422: "输入有误",
    429: "请求过于频繁",
    500: "服务器内部错误",
}


def problem(
    status: int,
    title: str,
    detail: str,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """RFC 7807: `errors` maps field paths to messages; `extensions` are further members."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extensions)
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _headers(error: DomainError) -> dict[str, str]:
    """The headers an error's status asks for: how to sign in (401), when to come back (429)."""
    if isinstance(error, Unauthorized):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, TooManyRequests) and error.retry_after is not None:
        return {"Retry-After": str(error.retry_after)}
    return {}


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow nest messages by location and field; problem+json wants path → message."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if prefix == "" and key in ("json", "query", "form", "files", "headers"):
                flat.update(_flatten(value, ""))
            else:
                flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or "_body"] = "；".join(_WEBARGS_MESSAGES.get(str(m), str(m)) for m in messages)
    elif isinstance(messages, list):
        for index, item in enumerate(messages):
            flat.update(_flatten(item, f"{prefix}.{index}"))
    else:
        flat[prefix or "_body"] = str(messages)
    return flat


def install(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Response:
        status = error.status
        if status == 500:
            log.error("procedure error: %s", error.detail)
        return problem(status, error.title, error.detail, error.errors or None, _headers(error))

    @app.errorhandler(DeployRejected)
    def _rejected(error: DeployRejected) -> Response:
        errors: dict[str, Any] = {}
        for index, found in enumerate(error.problems):
            key = found.element_id or f"file.{index}"
            errors[key] = f"{errors[key]}；{found.message}" if key in errors else found.message
        return problem(
            422,
            "流程定义未通过校验",
            f"共 {len(error.problems)} 个问题",
            errors,
            problems=[p.as_dict() for p in error.problems],
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response | tuple[str, int]:
        status = error.code or 500
        page = app.extensions.get(PAGE_ERRORS)
        if page is not None and not request.path.startswith("/api/"):
            rendered: tuple[str, int] = page(error)  # an unknown page address: a page, not JSON
            return rendered
        data = getattr(error, "data", None) or {}
        errors = _flatten(data.get("messages")) if data.get("messages") else None
        title = _HTTP_TITLES.get(status, error.name)
        own = written_description(error)
        detail = "请求数据未通过校验" if errors else (own or _HTTP_DETAILS.get(status, title))
        return problem(status, title, detail, errors)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return problem(500, _HTTP_TITLES[500], "服务器处理请求时出错，请稍后重试")
