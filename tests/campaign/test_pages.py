"""The campaign pages: starting a campaign from the page and reading its dashboard."""

from __future__ import annotations

from sqlalchemy import select

from service.campaign.models import Campaign
from tests.conftest import Harness
from tests.web.support import WebClient

FORM = {
    "title": "源头治理专项行动（页面）",
    "document_no": "测试〔2026〕2号",
    "plan_starts_on": "2026-03-02",
    "plan_ends_on": "2026-03-06",
    "mobilisation_starts_on": "2026-03-09",
    "mobilisation_ends_on": "2026-03-13",
    "implementation_starts_on": "2026-03-16",
    "implementation_ends_on": "2026-05-15",
    "summary_starts_on": "2026-05-18",
    "summary_ends_on": "2026-05-29",
    "leaders": "leader_cao",
    "deputies": "leader_zhao",
    "office_department": "office",
    "office_director": "leader_zhao",
    "members": "logistics",
}


def test_the_office_starts_a_campaign_on_the_page_and_sees_its_dashboard(leaders: Harness) -> None:
    web = WebClient(leaders.api.client)
    web.login("assessor")
    assert "启动专项行动" in web.text("/work/campaigns")
    response = web.post("/work/campaigns", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    with leaders.db.session() as session:
        campaign = session.scalar(select(Campaign))
    assert campaign is not None
    page = web.text(response.headers["Location"])
    for text in ("阶段进度", "制定方案", "总结整改", "制定实施方案", "曹庆年", "组长", "专项行动期间指标"):
        assert text in page, text


def test_a_bad_start_comes_back_with_the_field_at_fault_and_departments_cannot_start(
    leaders: Harness,
) -> None:
    web = WebClient(leaders.api.client)
    web.login("assessor")
    web.get("/work/campaigns")
    response = web.post("/work/campaigns", {**FORM, "summary_starts_on": "2026-05-01"})
    assert response.status_code == 422
    assert "总结整改阶段应在上一阶段结束之后开始" in response.get_data(as_text=True)
    other = WebClient(leaders.api.client)
    other.login("logistics_handler")
    assert "启动专项行动" not in other.text("/work/campaigns")
    other.get("/work/tasks")
    assert other.post("/work/campaigns", FORM).status_code == 403
