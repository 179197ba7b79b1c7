"""The staff petition page: duplicate proposals (office only), the case leader, supervision and
review, as each role sees them."""

from __future__ import annotations

from tests.campaign.conftest import add_leaders
from tests.conftest import Harness, petition_body
from tests.web.helpers import replied_petition, routed_petition
from tests.web.support import WebClient

OFFICE = ("registrar", "assessor", "supervisor")


def _page(web: WebClient, username: str, petition_id: int) -> str:
    web.post("/logout")
    web.login(username)
    return web.text(f"/work/petitions/{petition_id}")


def _table(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</table>", start)]


def test_duplicate_proposals_are_shown_to_the_office_only(web: WebClient, harness: Harness) -> None:
    api = harness.api
    earlier = api.register(petition_body())
    later = api.register(petition_body(title="二食堂饭菜价格上涨，再次反映"))
    code = earlier["tracking_code"]
    for username in OFFICE:
        page = _page(web, username, later["id"])
        assert 'id="duplicates"' in page and f">{code}</a>" in page and "待研判" in page, username
    for username in ("leader", "auditor", "admin"):
        page = _page(web, username, later["id"])
        assert 'id="duplicates"' not in page and code not in page, username
    api.complete(later["id"], "screening", "assessor", decision="accept", statutory_class="claim")
    api.complete(later["id"], "routing", "assessor", department="logistics", co_departments=[])
    assert "未合并" in _page(web, "assessor", later["id"])  # settled at screening
    page = _page(web, "logistics_handler", later["id"])
    assert 'id="duplicates"' not in page and code not in page


def test_the_case_leader_is_named_while_a_leader_owns_the_case(web: WebClient, harness: Harness) -> None:
    add_leaders(harness)
    detail = routed_petition(harness)
    assert 'id="case-leader"' not in _page(web, "assessor", detail["id"])
    taken = harness.api.post("/api/v1/reception/cases", {"petition_id": detail["id"]}, user="leader_cao")
    assert taken.status_code == 201
    for username in ("assessor", "logistics_handler", "leader_cao", "auditor"):
        assert '<dd id="case-leader">曹庆年</dd>' in _page(web, username, detail["id"]), username


def test_supervision_is_shown_with_its_step_to_everyone_who_sees_the_petition(
    web: WebClient, harness: Harness
) -> None:
    api = harness.api
    detail = routed_petition(harness)
    page = _page(web, "logistics_handler", detail["id"])
    assert 'id="supervision"' in page and "未督办" in page and "无请求" in page
    api.post(
        f"/api/v1/petitions/{detail['id']}/supervision", {"reason": "群众多次来电催办"}, user="supervisor"
    )
    api.complete(
        detail["id"],
        "issue_order",
        "supervisor",
        trigger="delay",
        level="key",
        problem="办理进度缓慢",
        requirements="请于十日内反馈",
        feedback_days=10,
    )
    for username in ("logistics_handler", "supervisor", "leader"):
        page = _page(web, username, detail["id"])
        table = _table(page, "supervision-list")
        assert "已督办" in page and "未督办" not in page, username
        for expected in ("督办员决定督办：群众多次来电催办", "重点督办", "督办反馈", "督办中", "督办员老张"):
            assert expected in table, (username, expected)


def test_reviews_are_listed_with_their_outcome(web: WebClient, harness: Harness) -> None:
    api = harness.api
    detail = replied_petition(harness)
    pid = detail["id"]
    api.post(
        f"/api/v1/public/petitions/{detail['tracking_code']}/review", {"reason": "答复未说明恢复原价的时间"}
    )
    api.complete(pid, "record_request", "assessor", review_body="省教育厅", request_summary="请求复查")
    page = _page(web, "logistics_handler", pid)
    reviews = _table(page, "review-list")
    for expected in ("复查", "网上请求", "答复未说明恢复原价的时间", "省教育厅", "办理中"):
        assert expected in reviews, expected
    api.complete(pid, "record_outcome", "assessor", review_decision="upheld", review_opinion="维持原答复意见")
    reviews = _table(_page(web, "assessor", pid), "review-list")
    assert "维持" in reviews and "维持原答复意见" in reviews and "办理中" not in reviews
    assert "1 次请求" in _page(web, "leader", pid)
