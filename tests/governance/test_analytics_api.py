"""The analytics API: scoped numbers, exports, the monthly report, snapshots (job and on demand),
a hot issue turned into a governance item, and duplicate proposals at registration."""

from __future__ import annotations

import io
from datetime import date, datetime

from docx import Document
from openpyxl import load_workbook

from service.clock import LOCAL_TZ
from service.governance.bulk import insert_petitions
from service.governance.snapshots import take_due_snapshots
from tests.conftest import Harness, petition_body
from tests.governance.handmade import at, march_set


def _march(harness: Harness) -> None:
    with harness.db.transaction() as session:
        insert_petitions(session, march_set())
    harness.clock.set(at(4, 2))


def test_numbers_scoped_by_role_and_exported(harness: Harness) -> None:
    _march(harness)
    api = harness.api
    url = "/api/v1/analytics/metrics?kind=month&start=2026-03-01"
    office = api.get(url, user="supervisor").get_json()
    assert office["totals"]["registered"] == 15 and office["previous_period"]["label"] == "2026年2月"
    assert {r["key"] for r in office["breakdowns"]["department"]} >= {"logistics", "academic"}
    head = api.get(url, user="logistics_head").get_json()
    assert head["department"] == "logistics" and head["totals"]["registered"] == 3
    assert api.get(url + "&department=academic", user="logistics_head").status_code == 403
    assert api.get(url).status_code == 401
    book = load_workbook(io.BytesIO(api.get(url.replace("metrics?", "metrics.xlsx?"), user="leader").data))
    assert book.sheetnames == ["总体", "按责任部门", "按问题类别", "按渠道", "按诉求类型"]
    rows = {r[0]: r[1] for r in book["总体"].iter_rows(min_row=2, values_only=True)}
    assert rows["登记件数"] == 15 and rows["及时受理率（%）"] == 76.92  # 10 / 13
    report = api.get("/api/v1/analytics/monthly-report.docx?month=2026-03-01", user="leader")
    text = "\n".join(p.text for p in Document(io.BytesIO(report.data)).paragraphs)
    assert "2026年3月信访工作报告" in text and "三、热点问题" in text
    assert (
        api.get("/api/v1/analytics/monthly-report.docx?month=2026-03-01", user="logistics_head").status_code
        == 403
    )


def test_the_job_keeps_last_week_and_month_once(harness: Harness) -> None:
    _march(harness)
    services = harness.services
    assert take_due_snapshots(services.db, services.clock) == ["week:2026-03-23", "month:2026-03-01"]
    assert take_due_snapshots(services.db, services.clock) == []
    listed = harness.api.get("/api/v1/analytics/snapshots?kind=month", user="leader").get_json()["items"]
    assert [(s["kind"], s["period_start"]) for s in listed] == [("month", "2026-03-01")]
    stored = harness.api.get(f"/api/v1/analytics/snapshots/{listed[0]['id']}", user="leader").get_json()
    assert stored["data"]["totals"]["registered"] == 15
    made = harness.api.post(
        "/api/v1/analytics/snapshots", {"kind": "week", "start": "2026-03-02"}, user="supervisor"
    )
    assert made.status_code == 201 and made.get_json()["period_end"] == "2026-03-08"
    assert (
        harness.api.post(
            "/api/v1/analytics/snapshots", {"kind": "week", "start": "2026-03-02"}, user="leader"
        ).status_code
        == 403
    )


def test_a_hot_issue_becomes_a_governance_item_with_its_petitions(harness: Harness) -> None:
    api = harness.api
    ids = [
        api.register(
            petition_body(
                title=f"西区3号楼热水供应不稳定{n}",
                content="西区3号楼热水时有时无，洗澡没有热水。",
                petitioner={"name": f"学生{n}", "phone": f"1390000000{n}", "kind": "student"},
            )
        )["id"]
        for n in range(6)
    ]
    issues = api.get("/api/v1/analytics/hot-issues?kind=month&start=2026-03-01", user="assessor").get_json()[
        "items"
    ]
    water = next(i for i in issues if "热水" in i["keywords"])
    assert water["size"] == 6 and water["petitioners"] == 6
    made = api.post(
        "/api/v1/governance/items/from-hot-issue",
        {"kind": "month", "start": "2026-03-01", "key": water["key"], "leader": "leader"},
        user="supervisor",
    )
    assert made.status_code == 201, made.get_json()
    detail = made.get_json()
    assert sorted(p["id"] for p in detail["petitions"]) == sorted(ids)
    assert detail["item"]["source"] == "hot_issue" and detail["item"]["department"] == "logistics"
    assert "热水" in detail["item"]["keywords"] and [t["name"] for t in detail["tasks"]] == ["assign"]


def test_likely_duplicates_are_proposed_and_merging_counts_a_repeat(harness: Harness) -> None:
    api = harness.api
    first = api.register(petition_body())
    api.register(
        petition_body(title="图书馆空调不制冷", content="图书馆三楼空调坏了。")
    )  # same person, other matter
    other_person = petition_body(petitioner={"name": "李四", "phone": "13900000000", "kind": "student"})
    api.register(other_person)
    again = api.register(petition_body(content="二食堂饭菜价格上涨约两成，再次反映，希望学校核查。"))
    proposals = api.get(f"/api/v1/petitions/{again['id']}/duplicates", user="assessor").get_json()["items"]
    assert [p["tracking_code"] for p in proposals] == [first["tracking_code"]]
    assert proposals[0]["score"] >= 0.5 and proposals[0]["proposal_status"] == "proposed"
    api.complete(again["id"], "screening", "assessor", decision="merge", duplicate_of=first["tracking_code"])
    settled = api.get(f"/api/v1/petitions/{again['id']}/duplicates", user="assessor").get_json()["items"]
    assert settled[0]["proposal_status"] == "merged"
    assert api.petition(first["id"])["repeat_count"] == 1
    assert api.get(f"/api/v1/petitions/{again['id']}/duplicates", user="logistics_handler").status_code in (
        403,
        422,
    )
    march = datetime(2026, 3, 1, tzinfo=LOCAL_TZ)
    with harness.db.session() as session:
        from service.governance import metrics

        totals = metrics.compute(session, since=march, until=datetime(2026, 4, 1, tzinfo=LOCAL_TZ))
    assert totals["repeat"] == 1 and totals["registered"] == 4 and date(2026, 3, 2)


def test_without_a_start_the_period_is_the_one_of_the_schools_own_day(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 4, 1, 7, 0, tzinfo=LOCAL_TZ))  # still 31 March in UTC
    month = harness.api.get("/api/v1/analytics/metrics?kind=month", user="leader").get_json()["period"]
    assert (month["first_day"], month["label"]) == ("2026-04-01", "2026年4月")
