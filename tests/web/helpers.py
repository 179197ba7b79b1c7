"""Moving a petition along through the API (the pages are tested on top of that state)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Harness, petition_body


def routed_petition(harness: Harness, **overrides: Any) -> dict[str, Any]:
    """A petition registered, accepted and routed (to logistics; a 举报 to the discipline office)."""
    api = harness.api
    created = api.register(petition_body(**overrides))
    pid = created["id"]
    api.complete(pid, "screening", "assessor", decision="accept", statutory_class="claim")
    department = "discipline" if overrides.get("request_type") == "report" else "logistics"
    api.complete(pid, "routing", "assessor", department=department, co_departments=[])
    return api.petition(pid)


def replied_petition(harness: Harness, **overrides: Any) -> dict[str, Any]:
    detail = routed_petition(harness, **overrides)
    api, pid = harness.api, detail["id"]
    api.complete(pid, "sign_for", "logistics_handler", sign_result="sign")
    api.complete(pid, "handle", "logistics_handler", findings="内部核查记录：承包商王某承认涨价。")
    api.complete(
        pid,
        "draft_reply",
        "logistics_handler",
        reply_outcome="support",
        reply_text="经核查，二食堂部分窗口涨价未经审批，已责令恢复原价。",
    )
    api.complete(pid, "head_signoff", "logistics_head", approval="approve")
    api.complete(pid, "serve_reply", "logistics_handler", delivery_method="electronic")
    return api.petition(pid)
