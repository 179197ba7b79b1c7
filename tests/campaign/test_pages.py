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


def test_a_campaign_task_opens_read_only_for_those_who_see_every_task(leaders: Harness) -> None:
    office = WebClient(leaders.api.client)
    office.login("assessor")
    office.get("/work/campaigns")
    office.post("/work/campaigns", FORM)
    draft = leaders.api.get("/api/v1/tasks?all=true", user="auditor").get_json()["items"]
    (task_id,) = [t["id"] for t in draft if t["name"] == "draft_plan"]
    for user in ("auditor", "leader_zhao", "admin"):
        reader = WebClient(leaders.api.client)
        reader.login(user)
        page = reader.get(f"/work/tasks/{task_id}")
        assert page.status_code == 200, user
        assert "您可以查看此任务，但不能办理" in page.get_data(as_text=True)
    department = WebClient(leaders.api.client)
    department.login("logistics_handler")
    assert department.get(f"/work/tasks/{task_id}").status_code == 403

    plan = {
        "plan_title": "专项行动实施方案",
        "plan_content": "目标任务、责任分工与时间安排",
        "plan_approver": "leader_cao",
    }
    drafted = leaders.api.post(f"/api/v1/tasks/{task_id}/complete", {"data": plan}, user="assessor")
    assert drafted.status_code == 200, drafted.get_json()
    items = leaders.api.get("/api/v1/tasks", user="leader_cao").get_json()["items"]
    (approve_id,) = [t["id"] for t in items if t["name"] == "approve_plan"]
    approver = WebClient(leaders.api.client)
    approver.login("leader_cao")
    page = approver.text(f"/work/tasks/{approve_id}")  # the 组长 sees the plan they approve
    assert "专项行动实施方案" in page and "目标任务、责任分工与时间安排" in page


def test_the_dashboard_links_only_the_tasks_the_viewer_may_open(leaders: Harness) -> None:
    office = WebClient(leaders.api.client)
    office.login("assessor")
    office.get("/work/campaigns")
    started = office.post("/work/campaigns", FORM)
    dashboard = started.headers["Location"]
    draft = leaders.api.get("/api/v1/tasks?all=true", user="auditor").get_json()["items"]
    (task_id,) = [t["id"] for t in draft if t["name"] == "draft_plan"]
    link = f'href="/work/tasks/{task_id}"'
    assert link in office.text(dashboard)
    department = WebClient(leaders.api.client)
    department.login("logistics_handler")
    page = department.text(dashboard)
    assert "制定实施方案" in page and link not in page  # named, but not a way to a 403
    assert department.get(f"/work/tasks/{task_id}").status_code == 403
