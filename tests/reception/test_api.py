"""The reception API: roster generation and swaps, the day's duty leader, 包案 and the leader's own list."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Harness, petition_body
from tests.support import ApiClient
from tests.web.support import WebClient


def test_roster_generate_swap_and_duty(leaders: Harness) -> None:
    api = leaders.api
    body = {"from": "2026-03-02", "to": "2026-03-08", "leaders": ["leader_cao", "leader_li"]}
    assert api.post("/api/v1/reception/roster/generate", body, user="leader_cao").status_code == 403
    created = api.post("/api/v1/reception/roster/generate", body, user="assessor")
    assert created.status_code == 201, created.get_json()
    assert [(d["date"], d["leader"]) for d in created.get_json()["items"]] == [
        ("2026-03-02", "leader_cao"),
        ("2026-03-03", "leader_li"),
        ("2026-03-04", "leader_cao"),
        ("2026-03-05", "leader_li"),
        ("2026-03-06", "leader_cao"),
    ]
    assert api.post("/api/v1/reception/roster/generate", body, user="assessor").status_code == 409
    swapped = api.post(
        "/api/v1/reception/roster/swap", {"first": "2026-03-02", "second": "2026-03-03"}, user="assessor"
    )
    assert swapped.status_code == 200
    assert (
        api.get("/api/v1/reception/duty?date=2026-03-02", user="registrar").get_json()["leader"]
        == "leader_li"
    )
    assert api.get("/api/v1/reception/duty", user="registrar").get_json() == {
        "date": "2026-03-02",
        "leader": "leader_li",
    }
    put = api.client.put(
        "/api/v1/reception/roster/2026-03-07",
        json={"leader": "leader_pan", "note": "周末值班"},
        headers={"Authorization": f"Bearer {api.token('assessor')}"},
    )
    assert put.status_code == 200 and put.get_json()["leader"] == "leader_pan"
    not_a_leader = api.client.put(
        "/api/v1/reception/roster/2026-03-08",
        json={"leader": "logistics_head"},
        headers={"Authorization": f"Bearer {api.token('assessor')}"},
    )
    assert not_a_leader.status_code == 422 and "leader" in not_a_leader.get_json()["errors"]  # the field sent
    week = api.get("/api/v1/reception/roster?from=2026-03-01&to=2026-03-08", user="leader_cao").get_json()[
        "items"
    ]
    assert len(week) == 6


def test_a_registered_visit_names_the_duty_leader_and_a_leader_takes_a_case(leaders: Harness) -> None:
    api = leaders.api
    api.post(
        "/api/v1/reception/roster/generate",
        {"from": "2026-03-02", "to": "2026-03-02", "leaders": ["leader_li"]},
        user="assessor",
    )
    visit = api.register(petition_body(channel="visit"))
    assert api.petition(visit["id"])["case_leader"] == "leader_li"
    mine = api.get("/api/v1/reception/my-cases", user="leader_li").get_json()["items"]
    assert [(c["petition"]["id"], c["ownership"]["kind"]) for c in mine] == [(visit["id"], "duty")]

    letter = api.register(petition_body())
    assert (
        api.post(
            "/api/v1/reception/cases", {"petition_id": letter["id"]}, user="logistics_handler"
        ).status_code
        == 403
    )
    taken = api.post("/api/v1/reception/cases", {"petition_id": letter["id"]}, user="leader_cao")
    assert taken.status_code == 201 and taken.get_json()["kind"] == "package"
    assert (
        api.post("/api/v1/reception/cases", {"petition_id": letter["id"]}, user="leader_li").status_code
        == 409
    )
    case = api.get(f"/api/v1/reception/cases/{letter['id']}", user="assessor").get_json()
    assert case["case_leader"] == "leader_cao" and len(case["history"]) == 1
    assert [
        c["petition"]["id"]
        for c in api.get("/api/v1/reception/my-cases", user="leader_cao").get_json()["items"]
    ] == [letter["id"]]
    history = api.get(f"/api/v1/petitions/{letter['id']}/history", user="assessor").get_json()["items"]
    assert "case.owned" in [h["action"] for h in history]
    released = api.post(
        f"/api/v1/reception/cases/{letter['id']}/release", {"reason": "分工调整"}, user="leader_cao"
    )
    assert released.status_code == 200 and released.get_json()["current"] is False
    assert api.petition(letter["id"])["case_leader"] is None


def invited_session(api: ApiClient, *, capacity: int, topic: str) -> int:
    """An invited reception (重点约访) with leader_cao, arranged by the office."""
    created = api.post(
        "/api/v1/reception/sessions",
        {
            "kind": "invited",
            "leader": "leader_cao",
            "starts_at": "2026-03-05T14:30:00+08:00",
            "place": "行政楼 201",
            "capacity": capacity,
            "topic": topic,
        },
        user="assessor",
    )
    assert created.status_code == 201, created.get_json()
    sid: int = created.get_json()["id"]
    return sid


def test_sessions_appointments_and_instructions(leaders: Harness) -> None:
    api = leaders.api
    sid = invited_session(api, capacity=1, topic="长期未解决的职称评审问题")
    pid = api.register(petition_body(channel="reception"))["id"]
    booked = api.post(
        f"/api/v1/reception/sessions/{sid}/appointments",
        {"name": "张三", "topic": "职称评审", "petition_id": pid},
        user="assessor",
    )
    assert booked.status_code == 201
    full = api.post(
        f"/api/v1/reception/sessions/{sid}/appointments", {"name": "李四", "topic": "同上"}, user="assessor"
    )
    assert full.status_code == 409
    early = {"status": "attended", "outcome": "交办人事处"}
    too_soon = api.post(
        f"/api/v1/reception/appointments/{booked.get_json()['id']}/close", early, user="leader_cao"
    )
    assert too_soon.status_code == 409  # attended before the session began? no
    leaders.clock.advance(timedelta(days=3, hours=6))  # the session, 03-05 14:30, has begun
    closed = api.post(
        f"/api/v1/reception/appointments/{booked.get_json()['id']}/close",
        {"status": "attended", "outcome": "交办人事处"},
        user="leader_cao",
    )
    assert closed.status_code == 200
    recorded = api.post(
        f"/api/v1/reception/sessions/{sid}/record", {"record": "约访一人，当场交办"}, user="leader_cao"
    )
    detail = recorded.get_json()
    assert detail["status"] == "held" and detail["appointments"][0]["status"] == "attended"
    assert api.petition(pid)["case_leader"] == "leader_cao"
    assert api.get("/api/v1/reception/sessions", user="logistics_handler").status_code == 403

    instructed = api.post(
        "/api/v1/reception/instructions",
        {"petition_id": pid, "department": "hr", "text": "人事处一周内复核"},
        user="leader_cao",
    )
    assert instructed.status_code == 201, instructed.get_json()
    # 7 working days from the instruction (given 03-05 evening, after the session)
    assert instructed.get_json()["feedback_due_at"] == "2026-03-16T23:59:59+08:00"
    listed = api.get(f"/api/v1/reception/instructions?petition_id={pid}", user="assessor").get_json()["items"]
    assert [i["status"] for i in listed] == ["open"]


def test_a_report_stays_with_the_discipline_office_and_its_reporter_sealed_at_reception(
    leaders: Harness,
) -> None:
    api = leaders.api
    pid = api.register(petition_body(channel="reception", request_type="report", category="ethics"))["id"]
    sid = invited_session(api, capacity=2, topic="举报线索")
    appointment = {"name": "王秘密", "phone": "13912345678", "topic": "举报", "petition_id": pid}
    assert (
        api.post(f"/api/v1/reception/sessions/{sid}/appointments", appointment, user="assessor").status_code
        == 201
    )
    seen = {
        user: api.get(f"/api/v1/reception/sessions/{sid}", user=user).get_json()["appointments"][0]
        for user in ("assessor", "leader_cao", "leader", "auditor", "admin")
    }
    assert seen["assessor"]["petitioner_name"] == "王秘密" and seen["leader_cao"]["petitioner_phone"]
    for user in ("leader", "auditor", "admin"):  # not the office, not the receiving leader
        assert seen[user]["petitioner_name"] == "（已保密）" and seen[user]["petitioner_phone"] is None, user
        assert "王秘密" not in api.get(f"/api/v1/reception/sessions/{sid}", user=user).get_data(as_text=True)
    page = WebClient(api.client)
    page.login("auditor")
    read_only = page.text(f"/work/reception/sessions/{sid}")
    assert "王秘密" not in read_only
    assert '/appointments"' not in read_only and "/cancel" not in read_only  # no controls they cannot use

    instruct = {"petition_id": pid, "department": "logistics", "text": "请后勤处核实处理并反馈。"}
    to_accused = api.post("/api/v1/reception/instructions", instruct, user="leader_cao")
    assert to_accused.status_code == 422 and "第三十一条" in to_accused.get_json()["errors"]["department"]
    to_discipline = api.post(
        "/api/v1/reception/instructions", instruct | {"department": "discipline"}, user="leader_cao"
    )
    assert to_discipline.status_code == 201, to_discipline.get_json()
    feedback = api.task(pid, "feedback", "discipline_head")  # 落实批示并反馈: the page shows the 批示
    page.login("discipline_head")
    assert "校领导批示</dt><dd>请后勤处核实处理并反馈。" in page.text(f"/work/tasks/{feedback['id']}")
