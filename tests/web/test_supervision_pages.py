"""督办事项 and 发起督办 on the pages: the roles the API lets read supervisions see the list; a
督办员 starts a manual supervision from the petition page through the same domain function; bad
input and other roles change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from service.identity.models import User
from service.web.navigation import pages_for
from tests.conftest import Harness, signed_for
from tests.web.helpers import routed_petition
from tests.web.support import WebClient

LIST = "/work/supervision"
REASON = "后勤处对食堂涨价问题推诿，两周未作答复"


def _as(web: WebClient, username: str) -> None:
    web.post("/logout")
    web.login(username)


def _form_url(petition_id: int) -> str:
    return f"/work/supervision/petitions/{petition_id}"


def _supervisions(harness: Harness, **query: Any) -> list[dict[str, Any]]:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    response = harness.api.get(f"/api/v1/supervisions?{params}", user="supervisor")
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


def _table(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</table>", start)]


def _user(role: str, department: str | None = None) -> User:
    return User(username="x", display_name="x", role=role, department_code=department)


def test_the_list_is_in_the_menus_of_those_the_api_lets_read_supervisions(web: WebClient) -> None:
    for role in ("registrar", "assessor", "supervisor", "leader", "auditor"):
        assert "supervision" in pages_for(_user(role, "office" if role != "leader" else None)), role
    for role, department in (("handler", "logistics"), ("head", "logistics"), ("admin", None)):
        assert "supervision" not in pages_for(_user(role, department)), role
    for username in ("supervisor", "assessor", "leader", "auditor"):
        _as(web, username)
        page = web.text(LIST)
        assert "<h1>督办事项" in page and "没有符合条件的督办事项。" in page, username
    for username in ("logistics_handler", "logistics_head", "admin"):
        _as(web, username)
        assert web.get(LIST).status_code == 403, username


def test_the_supervisor_issues_a_manual_supervision_from_the_petition_page(
    web: WebClient, harness: Harness
) -> None:
    api = harness.api
    detail = routed_petition(harness)
    pid, code = detail["id"], detail["tracking_code"]
    _as(web, "supervisor")
    page = web.text(f"/work/petitions/{pid}")
    assert 'id="supervise"' in page and f'action="{_form_url(pid)}"' in page
    assert 'name="csrf_token"' in page and "督办事由" in page and f'href="{LIST}"' in page

    response = web.post(_form_url(pid), {"reason": f"  {REASON}  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/work/petitions/{pid}#supervision")
    (started,) = _supervisions(harness)
    assert (started["petition_id"], started["trigger"], started["reason"]) == (pid, "manual", REASON)
    assert started["status"] == "open" and started["started_by"] == "supervisor"
    assert api.task(pid, "issue_order", "supervisor")  # the same process the API starts

    page = web.text(f"/work/petitions/{pid}")
    assert "已发起督办" in page and "已督办" in page
    assert f"督办员决定督办：{REASON}" in _table(page, "supervision-list")
    assert 'id="supervise"' not in page  # one open supervision per petition: no second form

    due = api.task(pid, "issue_order", "supervisor")["due_at"][:10]
    listing = _table(web.text(LIST), "supervisions")
    for expected in (code, detail["title"], "督办员决定督办", REASON, "后勤处", "督办中", "下达督办单", due):
        assert expected in listing, expected
    assert f'href="/work/petitions/{pid}#supervision"' in listing
    assert code in web.text(f"{LIST}?status=open")
    assert code not in web.text(f"{LIST}?status=closed")


def test_active_supervisions_come_first_and_the_filter_picks_them(web: WebClient, harness: Harness) -> None:
    api = harness.api
    finished = signed_for(api)
    started = api.post(
        f"/api/v1/petitions/{finished}/supervision", {"reason": "群众多次来电催办"}, user="supervisor"
    )
    assert started.status_code == 201
    api.complete(
        finished,
        "issue_order",
        "supervisor",
        trigger="delay",
        level="key",
        problem="办理进度缓慢",
        requirements="请于十日内反馈整改情况",
        feedback_days=10,
    )
    api.complete(finished, "feedback", "logistics_head", measures="已召开专题会，价格已恢复")
    api.complete(finished, "review_feedback", "supervisor", feedback_accepted=True)
    active = routed_petition(harness, title="宿舍热水供应不正常")
    _as(web, "supervisor")
    web.text(f"/work/petitions/{active['id']}")
    assert web.post(_form_url(active["id"]), {"reason": "久拖不决"}).status_code == 302

    listing = _table(web.text(LIST), "supervisions")
    assert listing.index("久拖不决") < listing.index("群众多次来电催办")  # newer, but active first anyway
    assert "重点督办" in listing and "督办办结" in listing and "办结于" in listing
    open_only = web.text(f"{LIST}?status=open")
    assert "久拖不决" in open_only and "群众多次来电催办" not in open_only
    closed_only = web.text(f"{LIST}?status=closed")
    assert "群众多次来电催办" in closed_only and "久拖不决" not in closed_only
    assert '<option value="closed" selected>' in closed_only


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "请填写督办事由"),
        ("   ", "请填写督办事由"),
        ("拖", "督办事由至少 2 个字"),
        ("拖" * 2001, "不能超过 2000 个字"),
    ],
)
def test_bad_input_is_refused_on_the_form_and_changes_nothing(
    web: WebClient, harness: Harness, reason: str, message: str
) -> None:
    pid = routed_petition(harness)["id"]
    _as(web, "supervisor")
    web.text(f"/work/petitions/{pid}")
    response = web.post(_form_url(pid), {"reason": reason})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index('id="reason-error"') :]
    assert message in error[: error.index("</p>")]
    assert '<details class="supervise" id="supervise" open>' in page
    assert _supervisions(harness) == []
    assert harness.api.petition(pid)["supervised"] is False


def test_a_second_supervision_is_refused_with_the_domains_reason(web: WebClient, harness: Harness) -> None:
    pid = routed_petition(harness)["id"]
    _as(web, "supervisor")
    web.text(f"/work/petitions/{pid}")
    assert web.post(_form_url(pid), {"reason": REASON}).status_code == 302
    web.text(f"/work/petitions/{pid}")
    response = web.post(_form_url(pid), {"reason": "再次督办"})
    assert response.status_code == 409
    assert "未能发起督办：该事项正在督办中" in response.get_data(as_text=True)
    assert len(_supervisions(harness)) == 1


@pytest.mark.parametrize("username", ["logistics_handler", "logistics_head", "assessor", "leader", "auditor"])
def test_others_neither_see_the_form_nor_may_post_it(web: WebClient, harness: Harness, username: str) -> None:
    pid = routed_petition(harness)["id"]
    _as(web, username)
    page = web.text(f"/work/petitions/{pid}")
    assert 'id="supervision"' in page
    assert 'id="supervise"' not in page and _form_url(pid) not in page
    assert web.post(_form_url(pid), {"reason": REASON}).status_code == 403
    assert _supervisions(harness) == []


def test_the_form_needs_its_csrf_token(web: WebClient, harness: Harness) -> None:
    pid = routed_petition(harness)["id"]
    _as(web, "supervisor")
    assert web.post(_form_url(pid), {"reason": REASON}, csrf=False).status_code == 400
    assert _supervisions(harness) == []


def test_the_english_list_reads_in_english(web: WebClient, harness: Harness) -> None:
    pid = routed_petition(harness)["id"]
    _as(web, "supervisor")
    web.text(f"/work/petitions/{pid}")
    assert web.post(_form_url(pid), {"reason": REASON}).status_code == 302
    web.text(f"/work/petitions/{pid}")  # shows (and uses up) the flash, written in Chinese as every flash
    web.get("/lang/en")
    page = web.text(LIST)
    for chinese in ("督办事项", "发起方式", "进行中", "已办结", "督办中", "下达督办单", "督办员决定督办"):
        assert chinese not in page.split("<main", 1)[1].replace(REASON, ""), chinese
