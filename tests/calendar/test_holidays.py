"""Calendar data in the database: year imports, recomputing provisional deadlines, overrides, rules."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.cli import main
from service.clock import LOCAL_TZ
from service.engine.calendar_store import CalendarStore
from service.engine.holidays import CalendarYear, DeadlineRuleRow, seed_rules
from service.engine.models import DeadlineRecord, HumanTask
from tests.conftest import Harness, petition_body


def arrangement(*days: tuple[str, str, bool], year: int = 2027) -> dict[str, Any]:
    return {
        "year": year,
        "papers": ["https://www.gov.cn/example"],
        "days": [{"name": name, "date": day, "isOffDay": off} for name, day, off in days],
    }


def register_on(harness: Harness, day: date) -> dict[str, Any]:
    harness.clock.set(datetime(day.year, day.month, day.day, 10, tzinfo=LOCAL_TZ))
    created = harness.api.register(petition_body())
    return harness.api.petition(created["id"])


def screening_deadline(detail: dict[str, Any]) -> dict[str, Any]:
    (found,) = [d for d in detail["deadlines"] if d["element"] == "screening"]
    return found


def local_day(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(LOCAL_TZ).date()


def test_a_2027_deadline_is_provisional_then_recomputed_later_when_its_day_becomes_a_holiday(
    any_harness: Harness,
) -> None:
    harness = any_harness
    api = harness.api
    detail = register_on(harness, date(2026, 12, 20))  # + 15 days = Monday 2027-01-04
    before = screening_deadline(detail)
    assert before["provisional"] is True
    assert local_day(before["due_at"]) == date(2027, 1, 4)

    file = arrangement(*[("元旦", f"2027-01-0{d}", True) for d in (1, 2, 3, 4)])
    response = api.post("/api/v1/calendar/years", file, user="admin")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["year"] == 2027 and body["days"] == 4
    (change,) = body["recomputed"]
    assert change["kept_earlier"] is False and change["provisional"] is False
    assert local_day(change["due_at"]) == date(2027, 1, 5)

    after = screening_deadline(api.petition(detail["id"]))
    assert after["provisional"] is False
    assert local_day(after["due_at"]) == date(2027, 1, 5)
    assert "导入 2027" in after["calendar"]
    (task,) = api.get(f"/api/v1/tasks?petition_id={detail['id']}", user="assessor").get_json()["items"]
    assert task["due_at"] == after["due_at"]
    with harness.db.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["deadline.recomputed", "calendar.year_imported"]))
        ).all()
    recomputed = [e for e in events if e.action == "deadline.recomputed"]
    assert [e.business_key for e in recomputed] == [f"petition:{detail['id']}"]
    assert recomputed[0].actor == "admin" and recomputed[0].data["kept_earlier"] is False
    assert any(e.action == "calendar.year_imported" and e.data["year"] == 2027 for e in events)
    # After the import, a new 2027 deadline is final at once.
    fresh = screening_deadline(register_on(harness, date(2026, 12, 21)))
    assert fresh["provisional"] is False and local_day(fresh["due_at"]) == date(2027, 1, 5)


def test_a_recomputation_that_would_be_earlier_keeps_the_date_already_announced(harness: Harness) -> None:
    detail = register_on(harness, date(2026, 12, 18))  # + 15 = Saturday 2027-01-02 → Monday 01-04
    assert local_day(screening_deadline(detail)["due_at"]) == date(2027, 1, 4)

    # The real arrangement makes 01-02 a make-up working day: the new computation says 01-02.
    file = arrangement(("元旦", "2027-01-01", True), ("元旦", "2027-01-02", False))
    body = harness.api.post("/api/v1/calendar/years", file, user="admin").get_json()
    (change,) = body["recomputed"]
    assert local_day(change["computed"]) == date(2027, 1, 2)
    assert change["kept_earlier"] is True
    after = screening_deadline(harness.api.petition(detail["id"]))
    assert local_day(after["due_at"]) == date(2027, 1, 4)
    assert after["provisional"] is False


def test_reimporting_a_year_replaces_it_and_touches_only_still_provisional_deadlines(
    harness: Harness,
) -> None:
    register_on(harness, date(2026, 12, 20))
    first = harness.api.post(
        "/api/v1/calendar/years", arrangement(("元旦", "2027-01-01", True)), user="admin"
    )
    assert first.status_code == 201 and len(first.get_json()["recomputed"]) == 1
    again = harness.api.post(
        "/api/v1/calendar/years", arrangement(("元旦", "2027-01-04", True)), user="admin"
    )
    assert again.status_code == 200
    assert again.get_json()["replaced"] is True and again.get_json()["recomputed"] == []
    assert harness.api.get("/api/v1/calendar/days").status_code == 401
    days = harness.api.get("/api/v1/calendar/days?from=2027-01-01&to=2027-01-04", user="academic_handler")
    items = {d["date"]: d for d in days.get_json()["items"]}
    assert items["2027-01-01"]["is_workday"] is True  # the first import's row was replaced
    assert items["2027-01-04"] == {
        "date": "2027-01-04",
        "is_workday": False,
        "kind": "holiday",
        "name": "元旦",
        "source": "import",
        "provisional": False,
    }


def test_an_admin_override_changes_later_computations_and_survives_an_import(harness: Harness) -> None:
    api = harness.api
    denied = api.client.put(
        "/api/v1/calendar/days/2026-03-17",
        json={"is_workday": False},
        headers={"Authorization": f"Bearer {api.token('assessor')}"},
    )
    assert denied.status_code == 403
    admin = {"Authorization": f"Bearer {api.token('admin')}"}
    response = api.client.put(
        "/api/v1/calendar/days/2026-03-17", json={"is_workday": False, "name": "校庆"}, headers=admin
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["source"] == "admin" and response.get_json()["kind"] == "holiday"

    detail = register_on(harness, date(2026, 3, 2))  # + 15 = Tuesday 03-17, now a rest day
    assert local_day(screening_deadline(detail)["due_at"]) == date(2026, 3, 18)

    bad = api.client.put("/api/v1/calendar/days/2026-02-30", json={"is_workday": False}, headers=admin)
    assert bad.status_code == 422 and "date" in bad.get_json()["errors"]
    assert api.client.delete("/api/v1/calendar/days/2026-03-17", headers=admin).status_code == 204
    assert local_day(screening_deadline(register_on(harness, date(2026, 3, 2)))["due_at"]) == date(
        2026, 3, 17
    )

    api.client.put(
        "/api/v1/calendar/days/2027-01-04", json={"is_workday": True, "name": "值班"}, headers=admin
    )
    body = api.post(
        "/api/v1/calendar/years", arrangement(("元旦", "2027-01-04", True)), user="admin"
    ).get_json()
    assert body["kept_admin_days"] == ["2027-01-04"]
    day = api.get("/api/v1/calendar/days?from=2027-01-04&to=2027-01-04", user="admin").get_json()["items"][0]
    assert (day["is_workday"], day["source"]) == (True, "admin")


def test_import_validation_names_each_field_and_changes_nothing(harness: Harness) -> None:
    bad = {
        "year": "2027",
        "papers": "not a list",
        "days": [
            {"name": "元旦", "date": "2027-13-01", "isOffDay": True},
            {"name": "", "date": "2027-01-02"},
            {"name": "春节", "date": "2029-02-01", "isOffDay": True},
            "2027-05-01",
        ],
    }
    response = harness.api.post("/api/v1/calendar/years", bad, user="admin")
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    errors = response.get_json()["errors"]
    assert set(errors) == {"year", "papers", "days.0.date", "days.1.name", "days.1.isOffDay", "days.3"}
    dup = arrangement(
        ("元旦", "2027-01-01", True), ("春节", "2027-02-01", True), ("元旦", "2027-01-01", True)
    )
    errors = harness.api.post("/api/v1/calendar/years", dup, user="admin").get_json()["errors"]
    assert errors == {"days.2.date": "与第 0 项日期重复"}
    out_of_year = arrangement(("春节", "2029-02-01", True))
    errors = harness.api.post("/api/v1/calendar/years", out_of_year, user="admin").get_json()["errors"]
    assert list(errors) == ["days.0.date"]
    empty = harness.api.post("/api/v1/calendar/years", {"year": 2027, "papers": [], "days": []}, user="admin")
    assert empty.status_code == 422 and "days" in empty.get_json()["errors"]
    not_json = harness.api.client.post(
        "/api/v1/calendar/years",
        data=b"{year: 2027",
        content_type="application/json",
        headers={"Authorization": f"Bearer {harness.api.token('admin')}"},
    )
    assert not_json.status_code == 422 and "file" in not_json.get_json()["errors"]
    assert harness.api.post("/api/v1/calendar/years", arrangement(), user="registrar").status_code == 403
    with harness.db.session() as session:
        assert session.scalar(select(func.count()).select_from(CalendarYear)) == 0


def test_cli_import_refuses_a_bad_file_with_exit_2_and_one_line_per_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 1999, "days": [{"name": "元旦", "date": "x", "isOffDay": 1}]}))
    assert main(["calendar", "import", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert sorted(line.split(": ")[1] for line in lines) == ["days.0.date", "days.0.isOffDay", "year"]
    assert main(["calendar", "import", str(tmp_path / "missing.json")]) == 2


def test_cli_import_stores_the_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.db import make_engine
    from service.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PETITIONFLOW_SECRET_KEY", "cli-test-key")
    upgrade(url)
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(arrangement(("元旦", "2027-01-01", True))), encoding="utf-8")
    assert main(["calendar", "import", str(path)]) == 0
    assert "imported 2027: 1 days (new)" in capsys.readouterr().out
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(select(CalendarYear.imported_by)) == "cli"
    engine.dispose()


def test_rules_are_listed_and_an_edit_affects_only_later_deadlines(harness: Harness) -> None:
    api = harness.api
    rules = {
        r["id"]: r for r in api.get("/api/v1/calendar/rules", user="logistics_handler").get_json()["items"]
    }
    assert (rules["D2"]["count"], rules["D2"]["unit"]) == (15, "calendar_day")
    assert rules["D6"]["max_count"] == 30

    earlier = register_on(harness, date(2026, 3, 2))
    admin = {"Authorization": f"Bearer {api.token('admin')}"}
    changed = api.client.patch(
        "/api/v1/calendar/rules/D2", json={"count": 10, "unit": "workday"}, headers=admin
    )
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["count"], changed.get_json()["unit"]) == (10, "workday")
    later = register_on(harness, date(2026, 3, 2))
    assert local_day(screening_deadline(later)["due_at"]) == date(2026, 3, 16)  # 10 working days
    assert local_day(screening_deadline(api.petition(earlier["id"]))["due_at"]) == date(2026, 3, 17)

    def patch(rule: str, body: dict[str, Any], user: str = "admin") -> Any:
        return api.client.patch(
            f"/api/v1/calendar/rules/{rule}",
            json=body,
            headers={"Authorization": f"Bearer {api.token(user)}"},
        )

    assert patch("D2", {"count": 0}).get_json()["errors"] == {"count": "天数须在 1 到 3650 之间"}
    assert "count" in patch("D6", {"count": 31}).get_json()["errors"]
    assert "unit" in patch("D2", {"unit": "hour"}).get_json()["errors"]
    assert patch("D2", {"count": None}).status_code == 422
    assert patch("NOPE", {"count": 3}).status_code == 404
    assert patch("D2", {"count": 3}, user="supervisor").status_code == 403
    with harness.db.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "calendar.rule_updated"))
        assert (
            event is not None and event.data["before"]["count"] == 15 and event.data["after"]["count"] == 10
        )


def test_seeding_keeps_edits_and_the_store_falls_back_to_the_file(harness: Harness) -> None:
    store = harness.services.calendar
    assert store.current().rules["D2"].count == 15  # empty table: the JSON file
    now = harness.clock.now()
    with harness.db.transaction() as session:
        assert seed_rules(session, store.rules_path, now=now) > 20
        session.get_one(DeadlineRuleRow, "D2").count = 20
    with harness.db.transaction() as session:
        assert seed_rules(session, store.rules_path, now=now) == 0
        from service.engine.holidays import bump_revision

        bump_revision(session, now)
    other = CalendarStore(store.rules_path, harness.db)  # another process's cache
    assert other.current().rules["D2"].count == 20
    assert store.current().rules["D2"].count == 15  # still within its recheck interval
    store.recheck_seconds = 0  # ... which has now passed
    assert store.current().rules["D2"].count == 20  # noticed through the revision row
    assert CalendarStore(store.rules_path).current().rules["D2"].count == 15  # no database at all


def test_deadline_records_of_finished_tasks_are_recomputed_too(harness: Harness) -> None:
    detail = register_on(harness, date(2026, 12, 20))
    harness.api.complete(detail["id"], "screening", "assessor", decision="accept", statutory_class="claim")
    with harness.db.session() as session:
        record = session.scalars(select(DeadlineRecord).where(DeadlineRecord.element_id == "screening")).one()
        task = session.get_one(HumanTask, record.task_id)
        assert record.status == "met" and record.provisional
        task_due = task.due_at
    harness.api.post("/api/v1/calendar/years", arrangement(("元旦", "2027-01-04", True)), user="admin")
    with harness.db.session() as session:
        record = session.get_one(DeadlineRecord, record.id)
        assert record.provisional is False and record.status == "met"
        assert session.get_one(HumanTask, task.id).due_at == record.due_at != task_due
