"""How domain values read on a page: labels, due-date marks and timeline lines (no queries here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from service.audit.models import AuditEvent
from service.clock import LOCAL_TZ
from service.identity.roles import ROLE_LABELS
from service.petitions.vocabulary import STATUSES
from service.web.formrender import entered_values

DUE_SOON = timedelta(days=2)
DEADLINE_STATUSES = {"active": "计时中", "met": "已按期完成", "late": "已逾期", "closed": "已结束"}


@dataclass(frozen=True)
class DueMark:
    css: str  # overdue | today | soon | ok | none
    label: str


def due_mark(due_at: datetime | None, now: datetime) -> DueMark:
    if due_at is None:
        return DueMark("none", "无时限")
    if due_at < now:
        return DueMark("overdue", "已逾期")
    if due_at.astimezone(LOCAL_TZ).date() == now.astimezone(LOCAL_TZ).date():
        return DueMark("today", "今日到期")
    if due_at - now <= DUE_SOON:
        return DueMark("soon", "即将到期")
    return DueMark("ok", "未到期")


def group_label(group: str | None, departments: Mapping[str, str]) -> str:
    """'handler@logistics' reads 承办人·后勤处."""
    if not group:
        return ""
    role, _, department = group.partition("@")
    role_label = ROLE_LABELS.get(role, role)
    return f"{role_label}·{departments.get(department, department)}" if department else role_label


def status_label(status: str | None) -> str:
    return STATUSES.get(status or "", status or "")


def _title(data: Mapping[str, Any]) -> str:
    return str(data.get("title") or "")


_EVENT_LABELS: dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], str]] = {
    "instance.started": lambda d, n: "流程启动",
    "instance.completed": lambda d, n: "流程结束",
    "instance.cancelled": lambda d, n: f"流程撤销：{d.get('reason', '')}",
    "petition.registered": lambda d, n: "登记",
    "petition.status_changed": lambda d, n: (
        f"状态：{status_label(d.get('old'))} → {status_label(d.get('new'))}"
    ),
    "petition.routed": lambda d, n: (
        "派单：主办 "
        + n.get(str(d.get("department")), str(d.get("department")))
        + (
            "，协办 " + "、".join(n.get(c, c) for c in d.get("co_departments") or [])
            if d.get("co_departments")
            else ""
        )
    ),
    "petition.merged": lambda d, n: f"合并至 {d.get('into', '')}",
    "document.issued": lambda d, n: f"出具《{d.get('title', '')}》{d.get('number', '')}",
    "task.created": lambda d, n: f"生成待办「{_title(d)}」",
    "task.claimed": lambda d, n: f"认领「{_title(d)}」",
    "task.released": lambda d, n: f"退回认领「{_title(d)}」",
    "task.completed": lambda d, n: f"办理「{_title(d)}」",
    "task.cancelled": lambda d, n: f"撤销待办「{_title(d)}」",
    "timer.fired": lambda d, n: "时限提醒触发",
    "petition.supervised": lambda d, n: f"督办：{d.get('reason') or ''}",
    "supervision.escalated": lambda d, n: "督办升级",
    "supervision.closed": lambda d, n: "督办办结",
    "review.requested": lambda d, n: "请求复核" if d.get("level") == "recheck" else "请求复查",
    "review.decided": lambda d, n: "登记复核意见" if d.get("level") == "recheck" else "登记复查意见",
    "duplicate.proposed": lambda d, n: "发现疑似重复件",
    "governance.linked": lambda d, n: f"列入源头治理事项 {d.get('item_id', '')}",
    "governance.fixed": lambda d, n: "源头治理事项已整改销号",
    "case.owned": lambda d, n: "领导包案",
    "case.released": lambda d, n: "包案解除",
    "case.no_duty_leader": lambda d, n: "当日无值班领导",
    "petition.urgent_alerted": lambda d, n: "紧急事项，已即时提醒当日值班校领导",
    "petition.urgent_unalerted": lambda d, n: "紧急事项，但当日无值班校领导",
    "deadline.recomputed": lambda d, n: "按新的节假日数据重新计算时限",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    text: str
    details: list[tuple[str, str]]  # what was entered: (field title, readable value)
    system: bool = False


def timeline(
    events: list[AuditEvent],
    names: Mapping[str, str],
    departments: Mapping[str, str],
    forms: Mapping[str, tuple[Mapping[str, Any], list[str]]] | None = None,
) -> list[TimelineEntry]:
    """Staff timeline: who did what and when; a completed task shows what was entered, by the
    titles of its form's fields (`forms`: each completed task's schema and field order, by task id)."""
    entries = []
    for event in events:
        label = _EVENT_LABELS.get(event.action)
        text = label(event.data, departments) if label else event.action
        details: list[tuple[str, str]] = []
        if event.action == "task.completed":
            schema, order = (forms or {}).get(event.task_id or "", ({}, []))
            details = entered_values(schema, event.data.get("after") or {}, order)
        actor = actor_label(event.actor, names)
        entries.append(TimelineEntry(event.at, actor, text, details, system=event.actor == "system"))
    return entries


def actor_label(username: str, names: Mapping[str, str]) -> str:
    if username == "system":
        return "系统"
    if username.startswith("public"):
        return "信访人（网上）"
    return names.get(username, username)
