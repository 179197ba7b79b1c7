"""Domain errors. Services raise these; each carries its HTTP status, which the API's problem+json
(api/problems.py) and the pages (web/errors.py) both answer with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Where the web side registers, in `app.extensions`, how an HTTP error outside /api/ becomes a page.
PAGE_ERRORS = "petitionflow.page_errors"


def written_description(error: Any) -> str | None:
    """An HTTP error's description when our code wrote one; None for werkzeug's stock English text."""
    description: str | None = error.description
    return description if description != type(error).description else None


class DomainError(Exception):
    title = "请求无法完成"
    status = 400

    def __init__(self, detail: str, *, errors: Mapping[str, str | list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors or {})


class NotFound(DomainError):
    title = "未找到"
    status = 404


class Conflict(DomainError):
    title = "状态冲突"
    status = 409


class Forbidden(DomainError):
    title = "无权操作"
    status = 403


class Unauthorized(DomainError):
    title = "未登录或登录已过期"
    status = 401


class Invalid(DomainError):
    """The input does not satisfy a rule; `errors` maps field paths to messages."""

    title = "输入有误"
    status = 422


class TooManyRequests(DomainError):
    """A client without login sent more requests than its budget allows (the rate limiter);
    `retry_after` is how many seconds until the budget is renewed (the Retry-After header)."""

    title = "请求过于频繁"
    status = 429

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ProcedureError(DomainError):
    """The diagram itself failed while running (a script error, an unknown rule): not the user's fault."""

    title = "流程执行失败"
    status = 500
