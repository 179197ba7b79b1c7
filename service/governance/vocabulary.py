"""The governance domain's fixed words and their Chinese labels."""

from __future__ import annotations

PROCESS_KEY = "governance"
BUSINESS_KEY_PREFIX = "governance:"
ITEM_STATUSES = {
    "proposed": "待立项",
    "assigning": "待明确责任",
    "rectifying": "立行立改中",
    "ongoing": "持续推进中",
    "leader_review": "包抓领导审核中",
    "summarising": "总结中",
    "closed": "已销号",
    "cancelled": "已撤销",
}
OPEN_STATUSES = frozenset(ITEM_STATUSES) - {"closed", "cancelled"}
TRACKS = {"immediate": "立行立改", "ongoing": "持续推进"}
DUPLICATE_STATUSES = {"proposed": "待研判", "merged": "已合并", "dismissed": "未合并"}
REPORT_KINDS = {"progress": "月度进展", "closure": "整改结果", "review": "领导审核", "summary": "总结"}
# What the petitioner's public timeline says about a governance item (no names, no internal notes).
PUBLIC_LINKED = "您反映的问题已列入学校源头治理事项，明确了责任部门和解决时限"
PUBLIC_FIXED = "相关源头治理事项已整改完成，经包抓领导审核销号"


def business_key(item_id: int) -> str:
    return f"{BUSINESS_KEY_PREFIX}{item_id}"


def item_id_of(key: str | None) -> int | None:
    if key and key.startswith(BUSINESS_KEY_PREFIX):
        return int(key[len(BUSINESS_KEY_PREFIX) :])
    return None
