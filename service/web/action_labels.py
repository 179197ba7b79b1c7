"""What each audit action is called on the pages: one Chinese label per action code the system
records (the audit page's filter and list, the petition timeline), grouped by the code's prefix.

The timeline adds an event's particulars to some of these (present.py); the name of the action
itself comes only from here.
"""

from __future__ import annotations

from collections.abc import Iterator

# Group (the code's prefix) → its name; the order is the order of the audit page's filter.
ACTION_GROUPS: dict[str, str] = {
    "petition": "信访事项",
    "task": "待办",
    "instance": "流程",
    "document": "文书",
    "export": "数据导出",
    "supervision": "督办",
    "review": "复查复核",
    "co_handling": "协办请求",
    "case": "领导包案",
    "duplicate": "重复件",
    "governance": "源头治理",
    "campaign": "专项工作",
    "timer": "定时器",
    "deadline": "办理时限",
    "roster": "接访值班",
    "calendar": "节假日与期限规则",
    "model": "流程模型",
    "template": "文书模板",
    "category": "问题分类",
    "department": "部门",
    "user": "用户",
}

ACTION_LABELS: dict[str, str] = {
    # petitions
    "petition.registered": "登记",
    "petition.status_changed": "状态变更",
    "petition.routed": "派单",
    "petition.merged": "合并重复件",
    "petition.supervised": "督办",
    "petition.urgent_alerted": "紧急事项，已即时提醒校领导",
    "petition.urgent_unalerted": "紧急事项，但没有可提醒的校领导",
    "petition.identity_viewed": "查看举报人身份",
    # tasks and process instances (the engine)
    "task.created": "生成待办",
    "task.claimed": "认领待办",
    "task.released": "退回认领",
    "task.completed": "办理待办",
    "task.cancelled": "撤销待办",
    "task.recused": "申请回避",
    "task.reassigned": "改派",
    "task.unstaffed": "回避后无人可办",
    "instance.started": "流程启动",
    "instance.completed": "流程结束",
    "instance.cancelled": "流程撤销",
    "instance.migrated": "流程迁移至新版本",
    "document.issued": "出具文书",
    # the access log (service/audit/reads.py): reads, not steps of a matter
    "document.downloaded": "下载文书",
    "export.downloaded": "导出数据",
    "supervision.escalated": "督办升级",
    "supervision.closed": "督办办结",
    "review.requested": "请求复查/复核",
    "review.decided": "登记复查/复核意见",
    "co_handling.requested": "请求增加协办部门",
    "co_handling.approved": "同意增加协办部门",
    "co_handling.rejected": "不同意增加协办部门",
    "case.owned": "领导包案",
    "case.released": "包案解除",
    "case.no_duty_leader": "当日无值班校领导",
    "duplicate.proposed": "发现疑似重复件",
    "governance.opened": "源头治理事项立项",
    "governance.assigned": "源头治理事项交办",
    "governance.linked": "列入源头治理事项",
    "governance.reported": "源头治理进展报告",
    "governance.approved": "源头治理事项审定",
    "governance.fixed": "源头治理事项已整改销号",
    "campaign.phase_started": "专项工作阶段开始",
    "campaign.phase_completed": "专项工作阶段完成",
    "campaign.phase_overdue": "专项工作阶段逾期",
    "campaign.phase_supervised": "专项工作阶段督办",
    "campaign.screening_opened": "开启矛盾纠纷排查",
    "campaign.hot_issue_raised": "热点问题列入源头治理",
    "campaign.ended": "专项工作结束",
    "timer.fired": "时限提醒触发",
    "timer.recomputed": "重新计算定时器",
    "deadline.recomputed": "按新的节假日数据重新计算时限",
    "roster.generated": "生成接访值班表",
    "roster.assigned": "指定值班校领导",
    "roster.swapped": "调换值班日",
    "calendar.year_imported": "导入年度节假日安排",
    "calendar.rule_updated": "修改期限规则",
    "calendar.day_overridden": "人工设置工作日/休息日",
    "calendar.day_override_removed": "撤销工作日/休息日的人工设置",
    "model.deployed": "部署流程模型",
    "template.replaced": "修改文书模板",
    "template.reset": "恢复默认文书模板",
    "category.created": "新增问题分类",
    "category.updated": "修改问题分类",
    "department.created": "新增部门",
    "department.updated": "修改部门",
    "user.created": "创建用户",
}


def action_label(code: str) -> str:
    """The action's Chinese name; a code recorded by nothing known reads as itself."""
    return ACTION_LABELS.get(code, code)


def is_known(value: str) -> bool:
    """An action code, or a group of them (its prefix)."""
    return value in ACTION_LABELS or value in ACTION_GROUPS


def action_choices() -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    """The filter's choices: (group code, group name, [(action code, label), …]) in page order."""
    for group, name in ACTION_GROUPS.items():
        codes = [(code, label) for code, label in ACTION_LABELS.items() if code.partition(".")[0] == group]
        if codes:
            yield group, name, codes
