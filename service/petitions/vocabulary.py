"""The fixed vocabularies of a petition and their Chinese labels (DOMAIN.md §4, §5, §8)."""

from __future__ import annotations

CHANNELS = {
    "visit": "来访",
    "letter": "来信",
    "phone": "来电",
    "online": "网上信访",
    "mailbox": "领导信箱",
    "reception": "领导接访",
    "transfer": "上级转送/交办",
}
REQUEST_TYPES = {
    "consultation": "咨询",
    "help": "求助",
    "suggestion": "建议",
    "complaint": "投诉",
    "report": "举报",
    "appeal": "申诉",
}
STATUTORY_CLASS_OF = {
    "suggestion": "proposal",
    "report": "accusation",
    "complaint": "claim",
    "appeal": "claim",
    "help": "claim",
}
STATUTORY_CLASSES = {"proposal": "建议意见类", "accusation": "检举控告类", "claim": "申诉求决类"}
PETITIONER_KINDS = {
    "student": "学生",
    "staff": "教职工",
    "retiree": "离退休人员",
    "parent": "家长",
    "alumnus": "校友",
    "external": "校外人员",
    "organisation": "单位/组织",
}
SATISFACTION = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
STATUSES = {
    "registered": "已登记",
    "screening": "审核甄别中",
    "accepted": "已受理",
    "returned": "退单审核中",
    "dispatched": "已派单待签收",
    "in_progress": "办理中",
    "extension_requested": "延期审批中",
    "reopened": "重办中",
    "reply_review": "答复审核中",
    "leader_review": "校领导审批中",
    "reply_approved": "答复已签发",
    "replied": "已答复待评价",
    # 检举控告类: not rated; the office feeds the result back to the reporter (report_feedback).
    "feedback_pending": "已答复待反馈",
    "fast_track": "接诉即办中",
    "closed": "已办结",
    "not_accepted": "不予受理",
    "objection": "已提出异议待复",
    "redirected": "已告知/转送",
    "merged": "已合并",
}
CLOSED_STATUSES = frozenset({"closed", "not_accepted", "redirected", "merged"})
# A served reply the office follows up: rated (回访评价), or for 检举控告类 fed back to the reporter.
REPLIED_STATUSES = frozenset({"replied", "feedback_pending"})
# Supervision (督办): its row's status, and the step its process is at (the diagram's `status`).
SUPERVISION_STATUSES = {"open": "督办中", "closed": "督办办结"}
SUPERVISION_STAGES = {
    "issued": "下达督办单",
    "awaiting_feedback": "督办反馈",
    "escalated": "提请校领导督办",
    "reviewing": "审核反馈",
    "closed": "督办办结",
}
REVIEW_VIA = {"public": "网上请求", "office": "信访办登记"}
REVIEW_LEVELS = {"review": "复查", "recheck": "复核"}
GROUP_VISIT_HEADCOUNT = 5
# How a notice words the values of these variables.
NOTICE_LABELS: dict[str, dict[str, str]] = {
    "reply_outcome": {
        "support": "支持",
        "partial_support": "部分支持",
        "not_support": "不支持",
        "explain": "解释说明",
        "adopted": "采纳",
        "partially_adopted": "部分采纳",
        "not_adopted": "不采纳",
    },
    "level": {"general": "一般督办", "key": "重点督办", "listed": "挂牌督办"},
    "trigger": {
        "delay": "拖延办理",
        "buck_passing": "推诿",
        "perfunctory": "敷衍",
        "falsification": "弄虚作假",
        "improper_handling": "违规受理或办理",
        "refusal": "拒不执行信访处理意见",
        "other": "其他",
        "overdue": "超期未办结",
        "manual": "督办员决定督办",
    },
    "review_decision": {"upheld": "维持", "changed": "变更", "revoked": "撤销", "redo": "责令重新办理"},
    "delivery_method": {
        "in_person": "当面送达",
        "mail": "邮寄送达",
        "electronic": "电子送达",
        "phone": "电话告知并留存记录",
    },
}
