"""What the public types stays text in every workbook we hand out: a title like `=HYPERLINK(…)` is
a string cell in the hot-issue and governance-item exports (API and pages), never a formula."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.conftest import Harness, petition_body
from tests.web.support import WebClient

FORMULA = '=HYPERLINK("http://evil.example/x","x")'


def _submit_anonymous_formulas(harness: Harness) -> None:
    """Six anonymous public submissions with the same formula as title: one hot issue."""
    for n in range(6):
        body = {k: v for k, v in petition_body().items() if k not in ("channel", "petitioner")}
        body |= {
            "title": FORMULA,
            "content": f"西区3号楼热水时有时无，洗澡没有热水，第{n}次反映。",
            "anonymous": True,
        }
        created = harness.api.post("/api/v1/public/petitions", body)
        assert created.status_code == 201, created.get_json()


def _cells(data: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for line in sheet.iter_rows() for cell in line]


def _assert_text(data: bytes) -> None:
    cells = [c for c in _cells(data) if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells, "the formula-like title is in the sheet"
    assert all(c.data_type == "s" and c.value == FORMULA for c in cells)


def test_public_text_is_never_a_formula_in_the_exports(harness: Harness) -> None:
    _submit_anonymous_formulas(harness)
    api = harness.api
    period = "kind=month&start=2026-03-01"
    issues = api.get(f"/api/v1/analytics/hot-issues?{period}", user="supervisor").get_json()["items"]
    issue = next(i for i in issues if i["title"] == FORMULA)
    _assert_text(api.get(f"/api/v1/analytics/hot-issues.xlsx?{period}", user="supervisor").data)
    made = api.post(
        "/api/v1/governance/items/from-hot-issue",
        {"kind": "month", "start": "2026-03-01", "key": issue["key"], "leader": "leader"},
        user="supervisor",
    )
    assert made.status_code == 201 and made.get_json()["item"]["title"] == FORMULA
    _assert_text(api.get("/api/v1/governance/items.xlsx", user="supervisor").data)

    web = WebClient(api.client)
    web.login("supervisor")
    for table in ("hot_issues", "items"):
        export = web.client.get(f"/work/governance/export/{table}.xlsx?{period}")
        assert export.status_code == 200
        _assert_text(export.data)
