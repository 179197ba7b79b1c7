"""The workbench menus link only to pages the signed-in user may open."""

from __future__ import annotations

import re

import pytest

from service.identity.models import User
from service.web.navigation import pages_for
from tests.conftest import Harness
from tests.web.support import WebClient

_TOP_MENU = re.compile(r'<header class="topbar">.*?<nav>(.*?)</nav>', re.S)
_SUB_MENU = re.compile(r'<nav class="actions"[^>]*>(.*?)</nav>', re.S)
_HREF = re.compile(r'href="([^"]+)"')

GOVERNANCE, CAMPAIGNS, ROSTER = "/work/governance", "/work/campaigns", "/work/reception/roster"
SUPERVISION = "/work/supervision"


def _links(html: str, menu: re.Pattern[str]) -> list[str]:
    found = menu.search(html)
    assert found is not None
    return _HREF.findall(found.group(1))


@pytest.mark.parametrize(
    ("username", "expected", "hidden"),
    [
        ("registrar", {"/work/petitions/new", GOVERNANCE, CAMPAIGNS, ROSTER, SUPERVISION}, {"/work/audit"}),
        ("assessor", {"/work/petitions/new", GOVERNANCE, CAMPAIGNS, ROSTER, SUPERVISION}, {"/work/audit"}),
        ("supervisor", {GOVERNANCE, CAMPAIGNS, ROSTER, SUPERVISION}, {"/work/petitions/new", "/work/audit"}),
        (
            "logistics_handler",
            {GOVERNANCE, CAMPAIGNS, ROSTER},
            {"/work/petitions/new", "/work/audit", SUPERVISION},
        ),
        ("logistics_head", {GOVERNANCE, CAMPAIGNS, ROSTER}, {"/work/audit", SUPERVISION}),
        ("leader", {GOVERNANCE, CAMPAIGNS, ROSTER, SUPERVISION}, {"/work/petitions/new", "/work/audit"}),
        ("admin", {GOVERNANCE, CAMPAIGNS, ROSTER, "/work/audit"}, {"/work/petitions/new", SUPERVISION}),
        ("auditor", {GOVERNANCE, CAMPAIGNS, ROSTER, "/work/audit", SUPERVISION}, {"/work/petitions/new"}),
    ],
)
def test_every_menu_link_opens_for_the_user_who_sees_it(
    web: WebClient, username: str, expected: set[str], hidden: set[str]
) -> None:
    web.login(username)
    top = _links(web.text("/work/tasks"), _TOP_MENU)
    assert expected <= set(top)
    assert not hidden & set(top)
    sub = _links(web.text(ROSTER), _SUB_MENU)
    for url in [*top, *sub]:
        assert web.get(url).status_code == 200, (username, url)


def test_the_reception_sessions_link_is_only_for_those_who_may_open_it(web: WebClient) -> None:
    web.login("logistics_handler")
    assert "/work/reception/sessions" not in _links(web.text(CAMPAIGNS), _SUB_MENU)
    assert web.get("/work/reception/sessions").status_code == 404  # the page the link would lead to
    web.post("/logout")
    web.login("supervisor")
    assert "/work/reception/sessions" in _links(web.text(CAMPAIGNS), _SUB_MENU)


def test_the_current_page_is_marked_in_the_menu(web: WebClient) -> None:
    web.login("assessor")
    html = web.text(GOVERNANCE)
    assert f'href="{GOVERNANCE}" class="active"' in html
    assert f'href="{CAMPAIGNS}" class=""' in html


def test_the_governance_link_follows_the_dashboards_own_rule(harness: Harness) -> None:
    def user(role: str, department: str | None) -> User:
        return User(username="x", display_name="x", role=role, department_code=department)

    assert "governance" in pages_for(user("handler", "logistics"))
    assert "governance" not in pages_for(user("handler", None))  # department_scope refuses (403)
    assert "governance" in pages_for(user("leader", None))
    assert pages_for(None) == frozenset()


def test_pages_without_login_show_no_workbench_menu(web: WebClient) -> None:
    assert GOVERNANCE not in web.text("/portal")
