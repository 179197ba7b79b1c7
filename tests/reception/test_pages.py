"""The reception pages: the roster with today's duty leader, generating and swapping, sessions, 包案."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Harness, petition_body
from tests.web.support import WebClient


def test_the_office_generates_and_swaps_the_roster_on_the_page(leaders: Harness) -> None:
    web = WebClient(leaders.api.client)
    web.login("assessor")
    assert "本月还没有排班" in web.text("/work/reception/roster?month=2026-03")
    web.post(
        "/work/reception/roster/generate",
        {"from": "2026-03-02", "to": "2026-03-06", "leaders": ["leader_cao", "leader_li"]},
    )
    page = web.text("/work/reception/roster?month=2026-03")
    assert page.count("<td>曹庆年</td>") == 3 and page.count("<td>李萍</td>") == 2
    assert '<strong id="duty-today">曹庆年</strong>' in page
    web.post("/work/reception/roster/swap", {"first": "2026-03-02", "second": "2026-03-03"})
    assert '<strong id="duty-today">李萍</strong>' in web.text("/work/reception/roster?month=2026-03")
    response = web.post("/work/reception/roster/generate", {"from": "2026-03-02", "to": "2026-03-06"})
    assert "已有 5 天排班" in web.text(response.headers["Location"])


def test_a_leader_takes_a_case_and_finds_it_in_their_list(leaders: Harness) -> None:
    petition = leaders.api.register(petition_body())
    web = WebClient(leaders.api.client)
    web.login("leader_cao")
    assert "没有由您接访或包案的信访事项" in web.text("/work/reception/cases")
    web.post("/work/reception/cases", {"petition": petition["tracking_code"]})
    page = web.text("/work/reception/cases")
    assert petition["tracking_code"] in page and "领导包案" in page
    assert leaders.api.petition(petition["id"])["case_leader"] == "leader_cao"
    handler = WebClient(leaders.api.client)
    handler.login("logistics_handler")
    handler.get("/work/reception/cases")
    response = handler.post("/work/reception/cases", {"petition": petition["tracking_code"]})
    assert "无权查看该信访事项" in handler.text(response.headers["Location"])


def test_a_session_is_arranged_booked_and_recorded_on_the_page(leaders: Harness) -> None:
    web = WebClient(leaders.api.client)
    web.login("assessor")
    web.get("/work/reception/sessions")
    response = web.post(
        "/work/reception/sessions",
        {
            "kind": "scheduled",
            "leader": "leader_li",
            "starts_at": "2026-03-04T09:00",
            "place": "行政楼 101",
            "capacity": "5",
        },
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    web.post(f"{url}/appointments", {"name": "张三", "phone": "13800000000", "topic": "宿舍维修"})
    page = web.text(url)
    assert "张三" in page and "已预约" in page
    leaders.clock.advance(timedelta(days=2, hours=1))  # the session, 03-04 09:00, has taken place
    web.post(f"{url}/record", {"record": "接待一人，交后勤处办理"})
    assert "接待一人，交后勤处办理" in web.text(url)
    assert "领导接访安排" in web.text("/work/reception/sessions")
