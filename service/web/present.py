"""How domain values read on a page: labels, due-date marks and timeline lines (no queries here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from service.audit.models import AuditEvent
from service.clock import LOCAL_TZ
from service.petitions.vocabulary import STATUSES
from service.web.action_labels import ACTION_LABELS, action_label
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


def status_label(status: str | None) -> str:
    return STATUSES.get(status or "", status or "")


def _title(data: Mapping[str, Any]) -> str:
    return str(data.get("title") or "")


_Format = Callable[[Mapping[str, Any], Mapping[str, str]], str]  # (event data, department names) → text


def _departments(codes: Any, n: Mapping[str, str]) -> str:
    return "、".join(n.get(str(c), str(c)) for c in codes or []) or "—"


def _said(text: Any, sep: str = "：") -> str:
    """An optional comment after a label: '：comment', or nothing when there is none."""
    return f"{sep}{text}" if text else ""


def _named(code: str) -> _Format:
    label = action_label(code)
    return lambda d, n: label


def _with(code: str, tail: _Format) -> _Format:
    """The action's label (action_labels.py) followed by what the event says."""
    label = action_label(code)
    return lambda d, n: label + tail(d, n)


# Every action reads by its label (action_labels.py); these add the event's particulars.
_EVENT_LABELS: dict[str, _Format] = {code: _named(code) for code in ACTION_LABELS} | {
    "instance.cancelled": _with("instance.cancelled", lambda d, n: f"：{d.get('reason', '')}"),
    "instance.migrated": _with(
        "instance.migrated", lambda d, n: f"：第 {d.get('from_version')} 版 → 第 {d.get('to_version')} 版"
    ),
    "petition.status_changed": _with(
        "petition.status_changed",
        lambda d, n: f"：{status_label(d.get('old'))} → {status_label(d.get('new'))}",
    ),
    "petition.routed": _with(
        "petition.routed",
        lambda d, n: (
            "：主办 "
            + n.get(str(d.get("department")), str(d.get("department")))
            + ("，协办 " + _departments(d.get("co_departments"), n) if d.get("co_departments") else "")
        ),
    ),
    "petition.merged": _with("petition.merged", lambda d, n: f"：并入 {d.get('into', '')}"),
    "document.issued": _with(
        "document.issued", lambda d, n: f"《{d.get('title', '')}》{d.get('number', '')}"
    ),
    "task.created": _with("task.created", lambda d, n: f"「{_title(d)}」"),
    "task.claimed": _with("task.claimed", lambda d, n: f"「{_title(d)}」"),
    "task.released": _with("task.released", lambda d, n: f"「{_title(d)}」"),
    "task.completed": _with("task.completed", lambda d, n: f"「{_title(d)}」"),
    "task.cancelled": _with("task.cancelled", lambda d, n: f"「{_title(d)}」"),
    "task.recused": _with("task.recused", lambda d, n: _said(d.get("reason"))),
    "task.reassigned": _with(
        "task.reassigned",
        lambda d, n: (
            f"「{_title(d)}」：{d.get('from') or '待认领'} → {d.get('to')}"
            + _said(d.get("reason"), "；理由：")
        ),
    ),
    "petition.supervised": _with("petition.supervised", lambda d, n: f"：{d.get('reason') or ''}"),
    "review.requested": lambda d, n: "请求复核" if d.get("level") == "recheck" else "请求复查",
    "review.decided": lambda d, n: "登记复核意见" if d.get("level") == "recheck" else "登记复查意见",
    "co_handling.requested": _with(
        "co_handling.requested",
        lambda d, n: f"：{_departments(d.get('departments'), n)}{_said(d.get('reason'), '；理由：')}",
    ),
    "co_handling.approved": _with(
        "co_handling.approved",
        lambda d, n: f"：{_departments(d.get('departments'), n)}{_said(d.get('comment'), '；意见：')}",
    ),
    "co_handling.rejected": _with("co_handling.rejected", lambda d, n: _said(d.get("comment"), "；意见：")),
    "governance.linked": _with("governance.linked", lambda d, n: f" {d.get('item_id', '')}"),
    "case.released": _with("case.released", lambda d, n: _said(d.get("reason"))),
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
