"""Periods that cannot be statistics are refused with a 422 and a Chinese message per field, on the
pages and the API alike, and nothing is recorded for them: a date that is not one, and dates so far
out that the period (or the one before it) is past what a date can hold."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from tests.conftest import Harness, petition_body
from tests.web.support import WebClient


def _events(harness: Harness) -> int:
    with harness.db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=custom&start=2026-11-01&end=xyz", "结束日期格式有误，应为 YYYY-MM-DD"),
        ("kind=year&start=9999-12-31", "统计日期应在 2000 年至 2100 年之间"),
        ("kind=week&start=0001-01-01", "统计日期应在 2000 年至 2100 年之间"),
        ("kind=custom&start=2099-01-01&end=2101-01-01", "统计日期应在 2000 年至 2100 年之间"),
    ],
)
def test_the_dashboard_and_its_exports_refuse_a_period_that_is_no_period(
    harness: Harness, query: str, message: str
) -> None:
    web = WebClient(harness.api.client)
    web.login("supervisor")
    before = _events(harness)
    for url in ("/work/governance", "/work/governance/export/metrics.xlsx"):
        refused = web.get(f"{url}?{query}")
        assert refused.status_code == 422, (url, refused.status_code)
        assert message in refused.get_data(as_text=True)
    assert _events(harness) == before  # no export was recorded


def test_opening_an_item_from_a_period_that_is_no_period_is_refused(harness: Harness) -> None:
    web = WebClient(harness.api.client)
    web.login("supervisor")
    web.get("/work/governance")
    for start, message in (("xyz", "开始日期格式有误"), ("9999-12-01", "2000 年至 2100 年")):
        refused = web.post("/work/governance/items", {"kind": "month", "start": start, "key": "k"})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/analytics/metrics?kind=year&start=9999-12-31", "start"),
        ("/api/v1/analytics/metrics.xlsx?kind=custom&start=2026-01-01&end=2101-01-01", "end"),
        ("/api/v1/analytics/hot-issues?kind=week&start=0001-01-01", "start"),
        ("/api/v1/analytics/hot-issues.xlsx?kind=month&start=1999-12-31", "start"),
        ("/api/v1/analytics/monthly-report.docx?month=9999-12-01", "month"),
    ],
)
def test_the_api_refuses_a_period_out_of_range_per_field(harness: Harness, url: str, field: str) -> None:
    before = _events(harness)
    refused = harness.api.get(url, user="leader")
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"] == {field: "统计日期应在 2000 年至 2100 年之间"}
    assert _events(harness) == before


def test_snapshots_out_of_range_are_refused(harness: Harness) -> None:
    refused = harness.api.post(
        "/api/v1/analytics/snapshots", {"kind": "month", "start": "9999-12-01"}, user="supervisor"
    )
    assert refused.status_code == 422 and "start" in refused.get_json()["errors"]
    edge = harness.api.get("/api/v1/analytics/metrics?kind=month&start=2000-01-01", user="leader")
    assert edge.status_code == 200 and edge.get_json()["previous_period"]["label"] == "1999年12月"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/analytics/metrics?kind=custom&start=2026-02-01&end=2026-02-30", "end"),
        ("/api/v1/analytics/metrics?kind=month&start=2026-13-01", "start"),
        ("/api/v1/analytics/monthly-report.docx?month=2100-12", "month"),
        ("/api/v1/analytics/hot-issues?start=yesterday", "start"),
    ],
)
def test_the_api_answers_a_date_that_is_none_in_chinese(harness: Harness, url: str, field: str) -> None:
    refused = harness.api.get(url, user="leader")
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"] == {field: "应为有效日期（YYYY-MM-DD）"}


def test_a_snapshot_or_a_registration_with_no_such_day_is_answered_in_chinese(harness: Harness) -> None:
    body = {"kind": "month", "start": "2026-02-30"}
    refused = harness.api.post("/api/v1/analytics/snapshots", body, user="supervisor")
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"start": "应为有效日期（YYYY-MM-DD）"}
    registered = harness.api.post(
        "/api/v1/petitions", petition_body(received_at="2026-02-30T09:00:00+08:00"), user="registrar"
    )
    assert registered.status_code == 422
    assert registered.get_json()["errors"] == {"received_at": "日期时间格式不正确（应为 ISO-8601）"}


@pytest.mark.parametrize("start", ["xyz", "2026-02-30"])
def test_the_dashboard_refuses_a_malformed_start_as_it_refuses_an_end(harness: Harness, start: str) -> None:
    web = WebClient(harness.api.client)
    web.login("supervisor")
    for url in ("/work/governance", "/work/governance/export/metrics.xlsx"):
        refused = web.get(f"{url}?kind=month&start={start}")
        assert refused.status_code == 422, (url, refused.status_code)
        assert "开始日期格式有误，应为 YYYY-MM-DD" in refused.get_data(as_text=True)
    assert web.get("/work/governance?kind=month&start=").status_code == 200  # no start: this month
