"""Moving a petition along through the API (the pages are tested on top of that state)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Harness, handled_and_served, petition_body


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
    handled_and_served(
        api,
        pid,
        findings="内部核查记录：承包商王某承认涨价。",
        outcome="support",
        text="经核查，二食堂部分窗口涨价未经审批，已责令恢复原价。",
        delivery="electronic",
    )
    return api.petition(pid)
