"""The access log (service/audit/reads.py): every notice download, every export and every time the
office is shown a protected item's sealed writer is an event on the system stream, with who, what
and how; refused reads and sealed views write nothing; the chain still verifies; timelines leave
them out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from service.audit import chain
from service.audit.models import SYSTEM_STREAM, AuditEvent
from service.audit.reads import READ_ACTIONS
from service.web.action_labels import ACTION_LABELS
from tests.conftest import Harness, petition_body, routed
from tests.web.helpers import routed_petition
from tests.web.support import WebClient


def _last_id(harness: Harness) -> int:
    with harness.db.session() as session:
        return int(session.scalar(select(func.max(AuditEvent.id))) or 0)


def _reads_since(harness: Harness, last_id: int) -> list[AuditEvent]:
    """The access-log events written after event `last_id`, oldest first."""
    with harness.db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.id > last_id, AuditEvent.action.in_(sorted(READ_ACTIONS)))
                .order_by(AuditEvent.id)
            )
        )


def _summary(events: list[AuditEvent]) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    return [(e.actor, e.action, e.business_key, e.data) for e in events]


def _notices(harness: Harness, pid: int) -> dict[str, int]:
    docs = harness.api.get(f"/api/v1/petitions/{pid}/documents", user="assessor").get_json()["items"]
    return {d["kind"]: d["id"] for d in docs}


def _web(harness: Harness, username: str) -> WebClient:
    web = WebClient(harness.api.client)
    web.post("/logout")
    web.login(username)
    return web


def _assert_verifies(harness: Harness) -> None:
    with harness.db.session() as session:
        result = chain.verify(session)
    assert result.intact, result
    assert harness.api.get("/api/v1/audit/verify", user="auditor").get_json()["intact"] is True


def test_staff_downloads_are_logged_with_who_what_and_how(any_harness: Harness) -> None:
    harness, api = any_harness, any_harness.api
    pid = routed_petition(harness)["id"]
    notice, internal = _notices(harness, pid)["acceptance_notice"], _notices(harness, pid)["dispatch_form"]
    before = _last_id(harness)
    assert api.get(f"/api/v1/documents/{notice}.pdf", user="assessor").status_code == 200
    assert api.get(f"/api/v1/documents/{internal}.docx", user="logistics_handler").status_code == 200
    assert (
        _web(harness, "registrar").client.get(f"/work/petitions/{pid}/documents/{notice}.docx").status_code
        == 200
    )
    key = f"petition:{pid}"
    assert _summary(_reads_since(harness, before)) == [
        (
            "assessor",
            "document.downloaded",
            key,
            {"document_id": notice, "kind": "acceptance_notice", "format": "pdf"},
        ),
        (
            "logistics_handler",
            "document.downloaded",
            key,
            {"document_id": internal, "kind": "dispatch_form", "format": "docx"},
        ),
        (
            "registrar",
            "document.downloaded",
            key,
            {"document_id": notice, "kind": "acceptance_notice", "format": "docx"},
        ),
    ]
    # Reads: the system stream, no instance; not steps of the matter on its history.
    events = _reads_since(harness, before)
    assert {(e.stream, e.instance_id, e.task_id) for e in events} == {(SYSTEM_STREAM, None, None)}
    history = api.get(f"/api/v1/petitions/{pid}/history", user="assessor").get_json()["items"]
    assert history and not {item["action"] for item in history} & READ_ACTIONS
    _assert_verifies(harness)


def test_refused_downloads_write_nothing(harness: Harness) -> None:
    api = harness.api
    own = routed_petition(harness)
    elsewhere = routed_petition(harness, title="教室投影仪损坏")
    notice = _notices(harness, own["id"])["acceptance_notice"]
    foreign = _notices(harness, elsewhere["id"])["acceptance_notice"]
    before = _last_id(harness)
    assert api.get(f"/api/v1/documents/{notice}.pdf", user="academic_handler").status_code == 403
    assert api.get("/api/v1/documents/999999.pdf", user="assessor").status_code == 404
    assert api.get(f"/api/v1/documents/{notice}.pdf").status_code == 401
    web = _web(harness, "academic_handler")
    assert web.client.get(f"/work/petitions/{own['id']}/documents/{notice}.pdf").status_code == 403
    web = _web(harness, "assessor")
    assert web.client.get(f"/work/petitions/{own['id']}/documents/{foreign}.pdf").status_code == 403
    assert web.client.get(f"/work/petitions/{own['id']}/documents/999999.pdf").status_code == 403
    code = own["tracking_code"]
    internal = _notices(harness, own["id"])["dispatch_form"]
    assert api.get(f"/api/v1/public/petitions/{code}/documents/{internal}.pdf").status_code == 404
    assert api.get(f"/api/v1/public/petitions/{code}/documents/{foreign}.pdf").status_code == 404
    assert _reads_since(harness, before) == []


def test_the_petitioners_own_downloads_are_logged_as_the_petitioner(harness: Harness) -> None:
    detail = routed_petition(harness)
    pid, code = detail["id"], detail["tracking_code"]
    notice = _notices(harness, pid)["acceptance_notice"]
    before = _last_id(harness)
    assert harness.api.get(f"/api/v1/public/petitions/{code}/documents/{notice}.pdf").status_code == 200
    portal = WebClient(harness.api.client)
    portal.get("/portal/track")
    assert portal.post("/portal/track", {"code": code}).status_code == 302
    assert portal.client.get(f"/portal/documents/{notice}.docx").status_code == 200
    data = {"document_id": notice, "kind": "acceptance_notice"}
    assert _summary(_reads_since(harness, before)) == [
        ("public:petitioner", "document.downloaded", f"petition:{pid}", data | {"format": "pdf"}),
        ("public:petitioner", "document.downloaded", f"petition:{pid}", data | {"format": "docx"}),
    ]


def _exports(harness: Harness, last_id: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (e.actor, e.data["export"], e.data["format"], e.data["filters"])
        for e in _reads_since(harness, last_id)
        if e.action == "export.downloaded" and e.business_key is None
    ]


MARCH = {"kind": "month", "first_day": "2026-03-01", "last_day": "2026-03-31", "label": "2026年3月"}


def test_analytics_and_governance_exports_are_logged_with_their_filters(harness: Harness) -> None:
    api = harness.api
    before = _last_id(harness)
    for url, user in (
        ("/api/v1/analytics/metrics.xlsx?kind=month&start=2026-03-01", "leader"),
        ("/api/v1/analytics/hot-issues.xlsx?kind=month&start=2026-03-01&limit=5", "logistics_head"),
        ("/api/v1/analytics/monthly-report.docx?month=2026-03-01", "supervisor"),
        ("/api/v1/governance/items.xlsx?open=true", "supervisor"),
    ):
        assert api.get(url, user=user).status_code == 200, url
    web = _web(harness, "supervisor")
    for table in ("metrics", "items"):
        response = web.client.get(f"/work/governance/export/{table}.xlsx?kind=month&start=2026-03-01")
        assert response.status_code == 200 and response.data[:2] == b"PK"
    assert _exports(harness, before) == [
        ("leader", "analytics.metrics", "xlsx", {"period": MARCH, "department": None}),
        (
            "logistics_head",
            "analytics.hot_issues",
            "xlsx",
            {"period": MARCH, "department": "logistics", "limit": 5},  # the scope the server applied
        ),
        ("supervisor", "analytics.monthly_report", "docx", {"month": "2026-03"}),
        ("supervisor", "governance.items", "xlsx", {"status": None, "department": None, "open": True}),
        ("supervisor", "analytics.metrics", "xlsx", {"period": MARCH, "department": None}),
        ("supervisor", "governance.items", "xlsx", {"department": None}),
    ]


def test_audit_exports_are_logged_with_their_search(any_harness: Harness) -> None:
    harness, api = any_harness, any_harness.api
    pid = routed_petition(harness)["id"]
    before = _last_id(harness)
    csv = api.get(f"/api/v1/audit?petition_id={pid}&action=task.&from=2026-03-02&format=csv", user="auditor")
    assert csv.status_code == 200 and csv.get_data()  # streamed: read it whole
    assert api.get("/api/v1/audit?actor=assessor&format=xlsx", user="supervisor").status_code == 200
    assert (
        api.get("/api/v1/audit?actor=assessor", user="supervisor").status_code == 200
    )  # a search, not an export
    web = _web(harness, "auditor")
    assert web.client.get("/work/audit/export.csv?action=task.completed&actor=assessor").status_code == 200
    assert _exports(harness, before) == [
        (
            "auditor",
            "audit.events",
            "csv",
            {"petition_id": pid, "action": "task.", "since": "2026-03-02T00:00:00+08:00"},
        ),
        ("supervisor", "audit.events", "xlsx", {"actor": "assessor"}),
        (
            "auditor",
            "audit.events",
            "csv",
            {"actors": ["assessor"], "action": "task.completed", "limit": 10_000},
        ),
    ]
    _assert_verifies(harness)


def test_refused_exports_write_nothing(harness: Harness) -> None:
    api = harness.api
    before = _last_id(harness)
    for url, user in (
        ("/api/v1/analytics/metrics.xlsx?kind=month&department=academic", "logistics_head"),
        ("/api/v1/analytics/metrics.xlsx?kind=decade", "leader"),
        ("/api/v1/analytics/monthly-report.docx?month=2026-03-01", "logistics_head"),
        ("/api/v1/audit?format=csv", "logistics_handler"),
        ("/api/v1/audit?format=xlsx&from=yesterday", "auditor"),
        ("/api/v1/audit?format=csv", None),
    ):
        assert api.get(url, user=user).status_code in (401, 403, 422), url
    web = _web(harness, "logistics_head")
    assert web.get("/work/governance/export/metrics.xlsx?department=academic").status_code == 403
    assert web.get("/work/audit/export.csv").status_code == 403
    web = _web(harness, "auditor")
    assert web.get("/work/audit/export.csv?petition=999999").status_code == 404
    assert _reads_since(harness, before) == []


def test_the_office_opening_a_reporters_petition_is_logged(any_harness: Harness) -> None:
    harness, api = any_harness, any_harness.api
    pid = routed_petition(harness, request_type="report", category="ethics")["id"]
    before = _last_id(harness)
    shown = api.get(f"/api/v1/petitions/{pid}", user="assessor").get_json()
    assert shown["petitioner"]["name"] == "张三"
    assert "张三" in _web(harness, "registrar").text(f"/work/petitions/{pid}")
    key = f"petition:{pid}"
    assert _summary(_reads_since(harness, before)) == [
        ("assessor", "petition.identity_viewed", key, {}),
        ("registrar", "petition.identity_viewed", key, {}),
    ]
    # A task page shows the petition, writer included, as its own page does.
    fresh = api.register(petition_body(request_type="report", category="ethics"))["id"]
    middle = _last_id(harness)
    task = api.task(fresh, "screening", "assessor")
    assert "张三" in _web(harness, "assessor").text(f"/work/tasks/{task['id']}")
    assert _summary(_reads_since(harness, middle)) == [
        ("assessor", "petition.identity_viewed", f"petition:{fresh}", {})
    ]
    _assert_verifies(harness)


def test_viewers_who_get_the_sealed_view_leave_no_identity_event(harness: Harness) -> None:
    api = harness.api
    report = routed(api, "discipline", request_type="report", category="ethics")
    restricted = routed(api, "discipline", category="ethics")  # 师德师风: protected, not a report
    anonymous = routed(api, "discipline", request_type="report", category="ethics", anonymous=True)
    plain = routed(api)
    before = _last_id(harness)
    for pid in (report, restricted):
        for user in ("discipline_handler", "discipline_head", "leader", "auditor", "admin"):
            shown = api.get(f"/api/v1/petitions/{pid}", user=user).get_json()
            assert shown["petitioner"].get("sealed") is True and "张三" not in str(shown), (pid, user)
        page = _web(harness, "discipline_handler").text(f"/work/petitions/{pid}")
        assert "张三" not in page
    assert (
        api.get(f"/api/v1/petitions/{anonymous}", user="assessor").get_json()["petitioner"]["name"] == "匿名"
    )
    assert api.get(f"/api/v1/petitions/{plain}", user="assessor").get_json()["petitioner"]["name"] == "张三"
    assert api.get(f"/api/v1/petitions/{plain}", user="logistics_handler").status_code == 200
    assert api.get(f"/api/v1/petitions/{report}", user="logistics_handler").status_code == 403
    assert _reads_since(harness, before) == []


def test_the_auditor_reads_the_access_log_in_chinese(harness: Harness) -> None:
    assert ACTION_LABELS.keys() >= READ_ACTIONS
    pid = routed_petition(harness, request_type="report", category="ethics")["id"]
    notice = _notices(harness, pid)["acceptance_notice"]
    assert harness.api.get(f"/api/v1/documents/{notice}.pdf", user="assessor").status_code == 200
    assert harness.api.get("/api/v1/audit?format=csv", user="auditor").status_code == 200
    web = _web(harness, "auditor")
    page = web.text(f"/work/audit?petition={pid}")
    assert 'title="document.downloaded">下载文书<' in page
    assert 'title="petition.identity_viewed">查看举报人身份<' in page
    exports = web.text("/work/audit?action=export")  # the group
    assert 'title="export.downloaded">导出数据<' in exports
    assert '<option value="export.downloaded">导出数据</option>' in exports
