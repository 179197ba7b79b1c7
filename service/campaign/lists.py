"""The two lists people type into a campaign form, one item a line, fields separated by "；".

* hot issues (研判排查结果): 问题；责任部门；包抓领导 (leader optional)
* the rectification list (整改清单): 存在问题；整改措施；责任部门；完成时限 YYYY-MM-DD (last two optional)

Departments and leaders may be written by name or by code/username. Each bad line is reported with
its line number, so the form can say exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

_SEPARATORS = re.compile(r"\s*[；;｜|]\s*")
_NUMBERING = re.compile(r"^[（(]?\d+[)）.、]\s*")


@dataclass(frozen=True)
class HotIssueLine:
    title: str
    department: str
    leader: str | None


@dataclass(frozen=True)
class RectificationLine:
    problem: str
    measure: str
    department: str | None
    due_on: date | None


def _lines(text: str | None) -> list[tuple[int, list[str]]]:
    found = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = _NUMBERING.sub("", raw.strip())
        if line:
            found.append((number, [part.strip() for part in _SEPARATORS.split(line)]))
    return found


def _lookup(value: str, names: Mapping[str, str]) -> str | None:
    """A code (or username) from what was typed: the code itself or its name."""
    if value in names:
        return value
    matches = [code for code, name in names.items() if name == value]
    return matches[0] if len(matches) == 1 else None


def parse_hot_issues(
    text: str | None, departments: Mapping[str, str], leaders: Mapping[str, str]
) -> tuple[list[HotIssueLine], list[str]]:
    items: list[HotIssueLine] = []
    errors: list[str] = []
    for number, parts in _lines(text):
        title = parts[0]
        if len(title) < 2 or len(title) > 200:
            errors.append(f"第{number}行：问题应为 2–200 个字")
            continue
        if len(parts) < 2 or not parts[1]:
            errors.append(f"第{number}行：缺少责任部门")
            continue
        department = _lookup(parts[1], departments)
        if department is None:
            errors.append(f"第{number}行：未知的责任部门「{parts[1]}」")
            continue
        leader = None
        if len(parts) > 2 and parts[2]:
            leader = _lookup(parts[2], leaders)
            if leader is None:
                errors.append(f"第{number}行：包抓领导「{parts[2]}」不是领导小组的组长或副组长")
                continue
        items.append(HotIssueLine(title, department, leader))
    return items, errors


def parse_rectifications(
    text: str | None, departments: Mapping[str, str]
) -> tuple[list[RectificationLine], list[str]]:
    items: list[RectificationLine] = []
    errors: list[str] = []
    for number, parts in _lines(text):
        if len(parts) < 2 or not parts[0] or not parts[1]:
            errors.append(f"第{number}行：至少写明存在问题和整改措施（用“；”分隔）")
            continue
        if len(parts[0]) > 500 or len(parts[1]) > 1000:
            errors.append(f"第{number}行：内容过长")
            continue
        department = None
        if len(parts) > 2 and parts[2]:
            department = _lookup(parts[2], departments)
            if department is None:
                errors.append(f"第{number}行：未知的责任部门「{parts[2]}」")
                continue
        due_on = None
        if len(parts) > 3 and parts[3]:
            try:
                due_on = date.fromisoformat(parts[3])
            except ValueError:
                errors.append(f"第{number}行：完成时限应写成 YYYY-MM-DD")
                continue
        items.append(RectificationLine(parts[0], parts[1], department, due_on))
    return items, errors


def joined(errors: list[str]) -> str:
    return "；".join(errors)
