"""The auditor's trail page: 事项编号 takes a tracking code or a number (and says so when nothing
matches), the list pages back to the oldest event, 操作人 takes a display name, and actions read
in Chinese there and on the petition timeline (one label per action, from action_labels.py)."""

from __future__ import annotations

import ast
import html as html_lib
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.config import PROJECT_ROOT
from service.web import audit as audit_page
from service.web.action_labels import ACTION_LABELS
from tests.conftest import Harness, petition_body, signed_for
from tests.web.helpers import routed_petition
from tests.web.support import WebClient

_ROW = re.compile(r"<tr><td>(\d+)</td><td>[^<]*</td><td>[^<]*<small>([^<]*)</small></td>")
_ACTION_CELL = re.compile(r'<td class="action" title="([^"]*)">([^<]*)</td>')
_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def _ids(page: str) -> list[int]:
    return [int(i) for i, _ in _ROW.findall(page)]


def _actors(page: str) -> set[str]:
    return {actor for _, actor in _ROW.findall(page)}


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return html_lib.unescape(found.group(1)) if found else None


def _all_ids(harness: Harness, **where: str) -> list[int]:
    with harness.db.session() as session:
        statement = select(AuditEvent.id).filter_by(**where).order_by(AuditEvent.id.desc())
        return list(session.scalars(statement))


def test_a_tracking_code_finds_that_petitions_events(web: WebClient, harness: Harness) -> None:
    wanted = routed_petition(harness)
    other = routed_petition(harness, title="另一件事项")
    web.login("auditor")
    code = wanted["tracking_code"]
    page = web.text(f"/work/audit?petition=%20{code.lower()}%20")
    assert _ids(page) == _all_ids(harness, business_key=f"petition:{wanted['id']}")
    assert code in page and other["tracking_code"] not in page
    assert "未找到该事项" not in page
    assert _ids(web.text(f"/work/audit?petition={code.replace('-', '')}")) == _ids(page)
    assert _ids(web.text(f"/work/audit?petition={wanted['id']}")) == _ids(page)  # the number still works


@pytest.mark.parametrize(
    "value", ["KYYA-W8J2-MB87", "not a code", "99999", "99999999999999999999", "²", "100%", "%(x)s"]
)
def test_a_petition_that_does_not_exist_gets_a_message_and_no_events(
    web: WebClient, harness: Harness, value: str
) -> None:
    routed_petition(harness)
    web.login("auditor")
    response = web.get("/work/audit", query_string={"petition": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "未找到该事项" in page and value in page
    assert _ids(page) == []
    export = web.get("/work/audit/export.csv", query_string={"petition": value})
    assert export.status_code == 404 and export.mimetype == "text/html"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-13-01"}, "不是 ISO-8601 日期或时间"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "结束时间须晚于开始时间"),
        ({"before": "abc"}, "分页参数有误"),
        ({"after": "²"}, "分页参数有误"),
        ({"since": "100%"}, "不是 ISO-8601 日期或时间"),
        ({"action": "nothing.like_this"}, "没有这种动作"),
    ],
)
def test_bad_input_gets_a_message(
    web: WebClient, harness: Harness, query: dict[str, str], message: str
) -> None:
    routed_petition(harness)
    web.login("auditor")
    response = web.get("/work/audit", query_string=query)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and _ids(page) == []


def test_paging_reaches_the_oldest_event_and_back(
    web: WebClient, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_page, "PAGE_SIZE", 4)
    for _ in range(2):
        routed_petition(harness)
    expected = _all_ids(harness, actor="system")
    assert len(expected) > 8  # more than two pages
    web.login("auditor")
    url: str | None = "/work/audit?actor=system"
    pages: list[list[int]] = []
    while url:
        page = web.text(url)
        pages.append(_ids(page))
        assert f"共 {len(expected)} 条" in page
        url = _link(page, "next")
        assert url is None or "actor=system" in url  # the filters stay
    assert [i for ids in pages for i in ids] == expected  # newest first, none skipped or repeated
    assert all(len(ids) == 4 for ids in pages[:-1])
    assert "本页显示第 5–8 条" in web.text(f"/work/audit?actor=system&before={pages[0][-1]}")
    back = _link(web.text(f"/work/audit?actor=system&before={pages[1][-1]}"), "prev")
    assert back is not None and _ids(web.text(back)) == pages[1]
    assert _link(web.text("/work/audit?actor=system"), "prev") is None


def test_the_actor_filter_takes_a_username_or_a_display_name(web: WebClient, harness: Harness) -> None:
    signed_for(harness.api)
    web.login("auditor")
    by_name = web.text("/work/audit?actor=后勤处承办人")
    assert _ids(by_name) and _actors(by_name) == {"logistics_handler"}
    assert _ids(web.text("/work/audit?actor=logistics_handler")) == _ids(by_name)
    assert _actors(web.text("/work/audit?actor=系统")) == {"system"}
    assert _ids(web.text("/work/audit?actor=没有这个人")) == []


def test_actions_read_in_chinese_and_filter_by_code(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    web.login("auditor")
    page = web.text(f"/work/audit?petition={detail['tracking_code']}")
    cells = _ACTION_CELL.findall(page)
    assert cells and all(label == ACTION_LABELS[code] for code, label in cells)
    assert ("task.completed", "办理待办") in cells and ("petition.routed", "派单") in cells
    assert '<option value="co_handling.requested">请求增加协办部门</option>' in page
    assert '<option value="document.issued">出具文书</option>' in page
    completed = web.text(f"/work/audit?petition={detail['id']}&action=task.completed")
    assert {code for code, _ in _ACTION_CELL.findall(completed)} == {"task.completed"}
    assert 'value="task.completed" selected' in completed
    tasks = web.text(f"/work/audit?petition={detail['id']}&action=task")  # a whole group
    assert {code for code, _ in _ACTION_CELL.findall(tasks)} == {"task.created", "task.completed"}


def test_a_co_handling_request_reads_in_chinese_on_the_timeline(web: WebClient, harness: Harness) -> None:
    api = harness.api
    pid = signed_for(api)
    reason = "涉及食堂承包合同，需教务处核对课表"
    asked = api.post(
        f"/api/v1/petitions/{pid}/co-handling",
        {"departments": ["academic"], "reason": reason},
        user="logistics_handler",
    )
    assert asked.status_code == 201
    api.complete(pid, "review_co_request", "assessor", co_request_approved=False, review_comment="可自行核实")
    web.login("assessor")
    page = web.text(f"/work/petitions/{pid}")
    timeline = page[
        page.index('<ol class="timeline">') : page.index("</ol>", page.index('<ol class="timeline">'))
    ]
    assert f"请求增加协办部门：教务处；理由：{reason}" in timeline
    assert "不同意增加协办部门；意见：可自行核实" in timeline
    assert not _CODE.search(timeline), _CODE.findall(timeline)


def test_a_reporters_identity_stays_sealed_on_the_audit_page(web: WebClient, harness: Harness) -> None:
    report = routed_petition(harness, request_type="report")
    harness.api.register(petition_body(title="另一件事项"))
    web.login("auditor")
    page = web.text(f"/work/audit?petition={report['tracking_code']}")
    export = web.get(f"/work/audit/export.csv?petition={report['tracking_code']}").get_data(as_text=True)
    assert _ids(page) and report["tracking_code"] in page
    for text in (page, export):
        assert "张三" not in text and "13812345678" not in text and "610102200001011234" not in text


def _recorded_actions() -> set[str]:
    """Every action code written in service/: the first argument of `.record(…)`, `action=…`,
    an `action = "…"` assignment, or the action argument of the small event helpers."""
    pattern = re.compile(r"^[a-z_]+\.[a-z_]+$")
    found: set[str] = set()
    for path in (PROJECT_ROOT / "service").rglob("*.py"):
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                values += [k.value for k in node.keywords if k.arg == "action"]
                if name in {"record", "_event", "_audit"}:
                    values += node.args[:3]
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "action" for t in node.targets):
                values.append(node.value)
            found |= {
                v.value
                for v in values
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and pattern.match(v.value)
            }
    return found


def test_every_action_the_system_records_has_a_chinese_label() -> None:
    recorded = _recorded_actions()
    assert {
        "task.completed",
        "co_handling.requested",
        "case.owned",
        "roster.swapped",
        "user.created",
    } <= recorded
    assert recorded - ACTION_LABELS.keys() == set()
