"""The audit trail API: filters, paging, CSV/XLSX exports, who may read it, and tamper detection."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.audit.export import HEADERS
from service.audit.models import AuditEvent
from service.cli import main
from service.clock import LOCAL_TZ
from tests.conftest import Harness, petition_body

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
DAY2 = datetime(2026, 3, 3, 9, 0, tzinfo=LOCAL_TZ)


def two_petitions(harness: Harness) -> tuple[int, int]:
    harness.clock.set(DAY1)
    first = harness.api.register(petition_body())["id"]
    harness.api.complete(first, "screening", "assessor", decision="accept", statutory_class="claim")
    harness.clock.set(DAY2)
    second = harness.api.register(petition_body(title="图书馆空调不制冷"))["id"]
    return first, second


def search(harness: Harness, query: str, user: str = "auditor") -> dict[str, Any]:
    response = harness.api.get(f"/api/v1/audit?per_page=500&{query}", user=user)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_filters_by_actor_petition_action_and_time_range(harness: Harness) -> None:
    first, second = two_petitions(harness)
    everything = search(harness, "")
    assert everything["total"] == len(everything["items"]) > 0

    by_actor = search(harness, "actor=assessor")["items"]
    assert by_actor and {e["actor"] for e in by_actor} == {"assessor"}

    of_first = search(harness, f"petition_id={first}")["items"]
    assert of_first and {e["business_key"] for e in of_first} == {f"petition:{first}"}
    assert {e["petition_id"] for e in of_first} == {first}

    tasks = search(harness, "action=task.")["items"]
    assert tasks and all(e["action"].startswith("task.") for e in tasks)
    assert "task.completed" in {e["action"] for e in tasks}
    exact = search(harness, "action=task.completed")["items"]
    assert exact and {e["action"] for e in exact} == {"task.completed"}
    assert search(harness, "action=task")["total"] == 0  # no dot: exact, and no action is called "task"

    day2 = search(harness, "from=2026-03-03")["items"]
    assert day2 and {e["business_key"] for e in day2} == {f"petition:{second}"}
    assert all(e["at"].startswith("2026-03-03T09:00:00+08:00") for e in day2)
    day1 = search(harness, "from=2026-03-02&to=2026-03-02")["items"]  # a bare end date includes the day
    assert day1 and {e["business_key"] for e in day1} == {f"petition:{first}"}
    moment = search(harness, "from=2026-03-02T09:00:00&to=2026-03-03T08:59:59%2B08:00")["items"]
    assert [e["id"] for e in moment] == [e["id"] for e in day1]
    both = search(harness, f"actor=assessor&petition_id={first}&action=task.")["items"]
    assert both and all(e["actor"] == "assessor" and e["action"].startswith("task.") for e in both)
    assert search(harness, f"actor=assessor&petition_id={second}")["total"] == 0


def test_pages_are_stable_and_ordered_by_id(harness: Harness) -> None:
    two_petitions(harness)
    total = search(harness, "")["total"]
    seen: list[int] = []
    page = 1
    while len(seen) < total:
        body = harness.api.get(f"/api/v1/audit?per_page=7&page={page}", user="auditor").get_json()
        assert body["page"] == page and body["per_page"] == 7 and body["total"] == total
        seen += [e["id"] for e in body["items"]]
        page += 1
    assert seen == sorted(seen) and len(set(seen)) == total


def test_bad_queries_are_422_with_the_field_named(harness: Harness) -> None:
    for query, field in [
        ("from=yesterday", "from"),
        ("format=pdf", "format"),
        ("to=2026-01-01&from=2026-02-01", "to"),
    ]:
        response = harness.api.get(f"/api/v1/audit?{query}", user="auditor")
        assert response.status_code == 422, query
        assert field in response.get_json()["errors"]


def test_only_auditors_admins_and_the_supervisor_may_read_the_trail(harness: Harness) -> None:
    two_petitions(harness)
    for user in ("auditor", "admin", "supervisor"):
        assert harness.api.get("/api/v1/audit", user=user).status_code == 200
        assert harness.api.get("/api/v1/audit/verify", user=user).status_code == 200
    for user in ("logistics_handler", "logistics_head", "academic_handler", "registrar", "leader"):
        for url in ("/api/v1/audit?format=csv", "/api/v1/audit", "/api/v1/audit/verify"):
            response = harness.api.get(url, user=user)
            assert response.status_code == 403, (user, url)
            assert response.headers["Content-Type"].startswith("application/problem+json")
    assert harness.api.get("/api/v1/audit").status_code == 401


def test_csv_export_is_utf8_with_bom_and_parses_back(harness: Harness) -> None:
    first, _ = two_petitions(harness)
    expected = search(harness, f"petition_id={first}")["items"]
    response = harness.api.get(f"/api/v1/audit?petition_id={first}&format=csv", user="auditor")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS
    body = rows[1:]
    assert [int(r[0]) for r in body] == [e["id"] for e in expected]  # every match, not just one page
    assert [r[1] for r in body] == [e["at"] for e in expected]
    assert {r[4] for r in body} == {str(first)}
    assert [json.loads(r[9]) for r in body] == [e["data"] for e in expected]


def test_xlsx_export_has_chinese_headers_and_local_times(harness: Harness) -> None:
    two_petitions(harness)
    expected = search(harness, "action=task.")["items"]
    response = harness.api.get("/api/v1/audit?action=task.&format=xlsx", user="supervisor")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(workbook["审计日志"].iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == [e["id"] for e in expected]
    first_at = datetime.fromisoformat(expected[0]["at"])
    assert rows[1][1] == first_at.astimezone(LOCAL_TZ).replace(tzinfo=None)
    assert all(r[3].startswith("task.") for r in rows[1:])
    workbook.close()


def _allow_tampering(session: Session) -> None:
    """What an attacker with DDL rights does first."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))


def test_a_direct_update_is_refused_while_the_trigger_is_in_place(any_harness: Harness) -> None:
    any_harness.api.register(petition_body())
    with any_harness.db.session() as session:
        victim = session.scalar(select(func.max(AuditEvent.id)))
    with pytest.raises(Exception, match="append-only"), any_harness.db.transaction() as session:
        session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": victim})
    with pytest.raises(Exception, match="append-only"), any_harness.db.transaction() as session:
        session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": victim})
    assert any_harness.api.get("/api/v1/audit/verify", user="auditor").get_json()["intact"] is True


def test_an_altered_event_is_named_by_verify(any_harness: Harness) -> None:
    harness = any_harness
    pid = harness.api.register(petition_body())["id"]
    harness.api.register(petition_body())
    with harness.db.session() as session:
        victim = session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.business_key == f"petition:{pid}", AuditEvent.action == "petition.registered"
            )
        )
    with harness.db.transaction() as session:
        _allow_tampering(session)
        session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": victim})
    body = harness.api.get("/api/v1/audit/verify", user="auditor").get_json()
    assert body["intact"] is False
    assert body["first_broken_id"] == victim
    assert "改动" in body["reason"]
    with harness.db.session() as session:
        assert chain.verify(session).first_broken_id == victim


def test_deleting_the_newest_event_is_detected_by_the_head(any_harness: Harness) -> None:
    harness = any_harness
    harness.api.register(petition_body())
    with harness.db.session() as session:
        newest = session.scalar(select(func.max(AuditEvent.id)))
        stream = session.scalar(select(AuditEvent.stream).where(AuditEvent.id == newest))
    with harness.db.transaction() as session:
        _allow_tampering(session)
        session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": newest})
    body = harness.api.get("/api/v1/audit/verify", user="admin").get_json()
    # The events before it still link up; its instance's head says one is missing at the end.
    assert (body["intact"], body["first_broken_id"]) == (False, None)
    assert "链尾" in body["reason"] and f"流程实例 {stream}" in body["reason"]


def test_cli_verify_names_the_altered_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.db import Database
    from service.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PETITIONFLOW_SECRET_KEY", "cli-test-key")
    upgrade(url)
    db = Database.from_url(url)
    with db.transaction() as session:
        events = [PendingEvent(actor="registrar", action=f"demo.{n}", data={"n": n}) for n in range(5)]
        chain.append(session, events, at=DAY1.astimezone(UTC))  # the clock's UTC, as the runtime passes
    assert main(["audit", "verify"]) == 0
    assert "intact (5 events)" in capsys.readouterr().out
    with db.transaction() as session:
        _allow_tampering(session)
        session.execute(text("UPDATE audit_event SET data = '{\"n\": 99}' WHERE id = 3"))
    db.dispose()
    assert main(["audit", "verify"]) == 1
    assert "broken at event 3" in capsys.readouterr().err
