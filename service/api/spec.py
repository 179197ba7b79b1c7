"""OpenAPI additions the route decorators cannot express once per route: every operation behind a
bearer token can answer 401 and 403 (problem+json)."""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

_OPEN_PATHS = ("/api/v1/auth/", "/api/v1/public/", "/healthz")
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


class AuthResponses(BasePlugin):
    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if not path or path.startswith(_OPEN_PATHS) or not operations:
            return
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", {"description": "未登录或令牌已失效", "content": _PROBLEM})
            responses.setdefault("403", {"description": "当前角色或部门无权查看或办理", "content": _PROBLEM})
