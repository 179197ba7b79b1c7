"""The campaign's fixed vocabulary and its Chinese labels."""

from __future__ import annotations

PROCESS_KEY = "campaign"
BUSINESS_KEY_PREFIX = "campaign:"

# The four phases of the notice (西交院校发〔2024〕66号 四、实施步骤), in order.
PHASES = {
    "plan": "制定方案",
    "mobilisation": "动员部署",
    "implementation": "推进实施",
    "summary": "总结整改",
}
PHASE_STATUSES = {"pending": "未开始", "active": "进行中", "completed": "已完成"}
CAMPAIGN_STATUSES = {"running": "进行中", "completed": "已结束", "cancelled": "已撤销"}
# The leading group (领导小组) and what each role does in the campaign's tasks.
MEMBER_ROLES = {
    "leader": "组长",
    "deputy": "副组长",
    "office_director": "办公室主任",
    "member": "成员",
}
MEMBER_DUTIES = {
    "leader": "审定实施方案与工作总结",
    "deputy": "主持动员部署、包抓热点问题",
    "office_director": "确认推进实施阶段完成，负责任务推动落实",
    "member": "每月开展矛盾纠纷排查并报告",
}
ROUND_STATUSES = {"collecting": "各单位报送中", "reviewing": "办公室研判中", "done": "已研判"}
REPORT_STATUSES = {"open": "待报送", "submitted": "已报送", "cancelled": "已撤销"}

FORM_PLAN = "campaign_plan"
FORM_PLAN_APPROVAL = "campaign_plan_approval"
FORM_MOBILISATION = "campaign_mobilisation"
FORM_IMPLEMENTATION = "campaign_implementation"
FORM_SCREENING_REPORT = "campaign_screening_report"
FORM_SCREENING_REVIEW = "campaign_screening_review"
FORM_SUMMARY = "campaign_summary"
FORM_SUMMARY_APPROVAL = "campaign_summary_approval"
FORM_SUPERVISION = "campaign_supervision"


def business_key(campaign_id: int) -> str:
    return f"{BUSINESS_KEY_PREFIX}{campaign_id}"


def campaign_id_of(key: str | None) -> int | None:
    if key and key.startswith(BUSINESS_KEY_PREFIX) and key[len(BUSINESS_KEY_PREFIX) :].isdigit():
        return int(key[len(BUSINESS_KEY_PREFIX) :])
    return None
