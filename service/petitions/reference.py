"""The editable taxonomy (DOMAIN.md §8): content categories and departments, changed by administrators.

Seeded from taxonomy.json (service/seed.py adds what is missing and never overwrites); from then on
these functions are the only writers. What they hold to:

* Codes never change (petitions, users, tasks' candidate groups and the routing table store them),
  and nothing is deleted: a category or department is deactivated, so it is no longer offered.
* Categories have two levels. A new child's code is its parent's code, a dot and a name
  (`logistics.canteen`), as the shipped ones are; a category may later move to another parent,
  keeping its code. The tree (`parent_code`), not the code, is what access follows: a restricted
  category protects its children (access.is_protected).
* Protection is never lifted from writers who wrote in under it: lifting `restricted`, or moving a
  child out from under a restricted parent, is refused while petitions (other than 举报, which are
  protected anyway) are filed under the categories that would lose it (《信访工作条例》 art. 31).
* A department is not deactivated while it still has work or people (departments.py).
* Every change is one event on the audit's system stream with the changed fields before and after,
  and `refresh` (the cached option lists' invalidate) runs once the change has committed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.audit import chain
from service.audit.chain import PendingEvent
from service.db import after_commit
from service.errors import Conflict, Invalid, NotFound
from service.identity.models import Department
from service.petitions.models import Category, Petition

CATEGORY_FIELDS = (
    "name",
    "parent_code",
    "default_department",
    "restricted",
    "focus_tag",
    "active",
    "sort_order",
)
CATEGORY_CODE = re.compile(r"[a-z][a-z0-9_]{0,28}(\.[a-z][a-z0-9_]{0,28})?")
CATEGORY_CODE_RULE = (
    "编码须由小写字母、数字和下划线组成，以字母开头；下级分类写作“上级编码.名称”，如 logistics.canteen"
)
MAX_NAME, MAX_TAG, MAX_SORT = 100, 40, 1_000_000
Refresh = Callable[[], None]


@dataclass(frozen=True)
class CategoryView:
    code: str
    name: str
    parent_code: str | None
    default_department: str | None
    restricted: bool
    protected: bool  # restricted itself or under a restricted parent
    focus_tag: str | None
    active: bool
    sort_order: int


# -- reading ----------------------------------------------------------------------------------------


def list_categories(session: Session) -> list[CategoryView]:
    """Every category, inactive ones too, as a tree: each top-level one followed by its children."""
    rows = session.scalars(select(Category).order_by(Category.sort_order, Category.code)).all()
    by_code = {row.code: row for row in rows}
    ordered: list[CategoryView] = []
    for top in (row for row in rows if row.parent_code not in by_code):
        ordered.append(_view(top, by_code))
        ordered += [_view(row, by_code) for row in rows if row.parent_code == top.code]
    return ordered


def get_category(session: Session, code: str) -> CategoryView:
    row = session.get(Category, code)
    if row is None:
        raise NotFound(f"没有这个分类：{code}")
    parent = session.get(Category, row.parent_code) if row.parent_code else None
    return _view(row, {parent.code: parent} if parent else {})


def _view(row: Category, by_code: Mapping[str, Category]) -> CategoryView:
    parent = by_code.get(row.parent_code) if row.parent_code else None
    return CategoryView(
        code=row.code,
        name=row.name,
        parent_code=row.parent_code,
        default_department=row.default_department,
        restricted=row.restricted,
        protected=row.restricted or bool(parent and parent.restricted),
        focus_tag=row.focus_tag,
        active=row.active,
        sort_order=row.sort_order,
    )


# -- categories -------------------------------------------------------------------------------------


def create_category(
    session: Session, *, values: Mapping[str, Any], actor: str, now: datetime, refresh: Refresh
) -> CategoryView:
    """Add a category. Left out, `default_department` is the parent's and `sort_order` puts it last
    among its siblings."""
    departments, categories = lock_taxonomy(session)
    code = str(values.get("code") or "").strip()
    if not CATEGORY_CODE.fullmatch(code):
        raise Invalid("分类信息有误", errors={"code": CATEGORY_CODE_RULE})
    if code in categories:
        raise Conflict(
            f"分类编码 {code} 已存在", errors={"code": f"编码 {code} 已被“{categories[code].name}”使用"}
        )
    after = _category_defaults(values, categories)
    errors = _check_category(
        session, code, before={}, after=after, categories=categories, departments=departments
    )
    parent = after["parent_code"]
    if parent is None and "." in code:
        errors["code"] = "一级分类的编码不能含“.”；下级分类请选择上级分类"
    elif parent is not None and "parent_code" not in errors and not code.startswith(f"{parent}."):
        errors["code"] = f"下级分类的编码须以上级编码加“.”开头，如 {parent}.{code.rpartition('.')[2]}"
    if errors:
        raise Invalid("分类信息有误", errors=errors)
    row = Category(code=code, **after)
    session.add(row)
    record_change(
        session,
        action="category.created",
        code=code,
        before={},
        after=after,
        actor=actor,
        now=now,
        refresh=refresh,
    )
    categories[code] = row
    return _view(row, categories)


def update_category(
    session: Session, code: str, *, changes: Mapping[str, Any], actor: str, now: datetime, refresh: Refresh
) -> CategoryView:
    """Change a category's fields (any of CATEGORY_FIELDS); an unchanged value is no change, and no
    change writes nothing."""
    departments, categories = lock_taxonomy(session)
    row = categories.get(code)
    if row is None:
        raise NotFound(f"没有这个分类：{code}")
    if "code" in changes and changes["code"] != code:
        raise Invalid("分类编码不能修改", errors={"code": "编码不能修改：已登记的信访事项按编码保存分类"})
    before = {name: getattr(row, name) for name in CATEGORY_FIELDS}
    after = before | {name: clean_value(name, changes[name]) for name in CATEGORY_FIELDS if name in changes}
    if "parent_code" in changes and "sort_order" not in changes and after["parent_code"] != row.parent_code:
        after["sort_order"] = _next_sort(after["parent_code"], categories, exclude=code)
    changed = [name for name in CATEGORY_FIELDS if after[name] != before[name]]
    if not changed:
        return _view(row, categories)
    errors = _check_category(
        session, code, before=before, after=after, categories=categories, departments=departments
    )
    if errors:
        raise Invalid("分类信息有误", errors=errors)
    for name in changed:
        setattr(row, name, after[name])
    record_change(
        session,
        action="category.updated",
        code=code,
        before=before,
        after=after,
        actor=actor,
        now=now,
        only=changed,
        refresh=refresh,
    )
    return _view(row, categories)


def _category_defaults(values: Mapping[str, Any], categories: Mapping[str, Category]) -> dict[str, Any]:
    after = {name: clean_value(name, values.get(name)) for name in CATEGORY_FIELDS}
    parent = categories.get(after["parent_code"] or "")
    if "default_department" not in values and parent is not None:
        after["default_department"] = parent.default_department
    after["restricted"] = bool(after["restricted"])
    after["active"] = True if values.get("active") is None else bool(after["active"])
    if values.get("sort_order") is None:
        after["sort_order"] = _next_sort(after["parent_code"], categories)
    return after


def _check_category(
    session: Session,
    code: str,
    *,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    categories: Mapping[str, Category],
    departments: Mapping[str, Department],
) -> dict[str, str]:
    errors = common_errors(after)
    children = [c for c in categories.values() if c.parent_code == code]
    parent_code = after["parent_code"]
    parent = categories.get(parent_code) if parent_code else None
    moved = not before or parent_code != before["parent_code"]
    if parent_code is not None:
        problem = _parent_problem(code, parent_code, categories, has_children=bool(children))
        if problem:
            errors["parent_code"] = problem
        elif after["active"] and parent is not None and not parent.active:
            errors["parent_code" if moved else "active"] = (
                f"上级分类“{parent.name}”已停用：请先启用它，或选择其他上级分类"
            )
    if (moved or after["name"] != before["name"]) and "name" not in errors:
        siblings = (c for c in categories.values() if c.parent_code == parent_code and c.code != code)
        same_name = next((c for c in siblings if c.name == after["name"]), None)
        if same_name is not None:
            errors["name"] = f"同一上级下已有同名分类（{same_name.code}）"
    department = after["default_department"]
    if department is not None and (not before or department != before["default_department"]):
        if department not in departments:
            errors["default_department"] = f"没有这个部门：{department}"
        elif not departments[department].active:
            errors["default_department"] = f"{departments[department].name}已停用，不能作为默认承办部门"
    focus_tag = after["focus_tag"]
    if focus_tag is not None and len(focus_tag) > MAX_TAG:
        errors["focus_tag"] = f"重点标签不能超过 {MAX_TAG} 个字"
    if not after["active"] and before.get("active", True):
        still_active = [c.name for c in children if c.active]
        if still_active:
            errors["active"] = f"请先停用下级分类：{'、'.join(still_active)}"
    if before and not errors:
        errors.update(_lost_protection(session, code, after, categories))
    return errors


def _parent_problem(
    code: str, parent_code: str, categories: Mapping[str, Category], *, has_children: bool
) -> str | None:
    if parent_code == code:
        return "分类不能作为自己的上级"
    if parent_code not in categories:
        return f"没有这个上级分类：{parent_code}"
    ancestor: str | None = parent_code
    for _ in range(len(categories)):
        if ancestor is None:
            break
        if ancestor == code:
            return "不能把分类移到它自己的下级分类之下（分类会成为自己的上级）"
        ancestor = categories[ancestor].parent_code if ancestor in categories else None
    if categories[parent_code].parent_code is not None:
        return f"分类只有两级：“{categories[parent_code].name}”已是下级分类，不能再作上级"
    if has_children:
        return "该分类有下级分类，不能再挂到其他分类之下（分类只有两级）"
    return None


def _protected_codes(
    categories: Mapping[str, Category], edited: str, restricted: bool, parent: str | None
) -> set[str]:
    """The protected categories, with the edited one's `restricted` and parent as given."""
    state = {c.code: (c.restricted, c.parent_code) for c in categories.values()} | {
        edited: (restricted, parent)
    }
    return {
        code
        for code, (own, above) in state.items()
        if own or (above is not None and above in state and state[above][0])
    }


def _lost_protection(
    session: Session, code: str, after: Mapping[str, Any], categories: Mapping[str, Category]
) -> dict[str, str]:
    """Art. 31: writers who wrote in under a protected category stay protected."""
    row = categories[code]
    lost = _protected_codes(categories, code, row.restricted, row.parent_code) - _protected_codes(
        categories, code, after["restricted"], after["parent_code"]
    )
    if not lost:
        return {}
    filed = session.scalar(
        select(func.count()).where(Petition.category.in_(sorted(lost)), Petition.request_type != "report")
    )
    if not filed:
        return {}
    field = "restricted" if row.restricted and not after["restricted"] else "parent_code"
    return {
        field: f"已有 {filed} 件信访事项登记在该分类（或其下级分类）下，写信人的身份受保密保护；"
        "取消受限会让承办部门看到他们的身份（《信访工作条例》第三十一条）。如需调整，请新建分类并停用本分类"
    }


def _next_sort(parent_code: str | None, categories: Mapping[str, Category], exclude: str = "") -> int:
    if parent_code is None:
        tops = [c.sort_order for c in categories.values() if c.parent_code is None and c.code != exclude]
        return (max(tops, default=-100) // 100 + 1) * 100
    family = [c.sort_order for c in categories.values() if c.parent_code == parent_code and c.code != exclude]
    parent = categories.get(parent_code)
    return max([*family, parent.sort_order if parent else 0]) + 1


# -- shared with departments.py ---------------------------------------------------------------------


def lock_taxonomy(session: Session) -> tuple[dict[str, Department], dict[str, Category]]:
    """Every department, then every category, locked in code order (PostgreSQL; SQLite's writers
    queue anyway): taxonomy edits are rare, and serialising them keeps two concurrent moves from
    making a cycle, or a deactivation from racing a category that names the department."""
    departments = session.scalars(select(Department).order_by(Department.code).with_for_update()).all()
    categories = session.scalars(select(Category).order_by(Category.code).with_for_update()).all()
    return {d.code: d for d in departments}, {c.code: c for c in categories}


def clean_value(name: str, value: Any) -> Any:
    """Text trimmed, and an empty optional code or tag is none."""
    if isinstance(value, str):
        value = value.strip()
        if name in ("parent_code", "default_department", "focus_tag", "kind") and not value:
            return None
    return value


def common_errors(after: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = after.get("name")
    if not isinstance(name, str) or not name:
        errors["name"] = "请填写名称"
    elif len(name) > MAX_NAME:
        errors["name"] = f"名称不能超过 {MAX_NAME} 个字"
    order = after.get("sort_order")
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= MAX_SORT:
        errors["sort_order"] = f"排序须为 0 到 {MAX_SORT} 之间的整数"
    return errors


def record_change(
    session: Session,
    *,
    action: str,
    code: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    actor: str,
    now: datetime,
    refresh: Refresh,
    only: list[str] | None = None,
) -> None:
    """The change is written (flushed), then one event on the system stream: the fields set (`only`
    those that changed), before and after; `refresh` (the option lists' cache) runs once it commits."""
    session.flush()
    after_commit(session, refresh)
    names = only if only is not None else list(after)
    data: dict[str, Any] = {"code": code, "after": {name: after[name] for name in names}}
    if before:
        data["before"] = {name: before[name] for name in names}
    chain.append(session, [PendingEvent(actor=actor, action=action, data=data)], at=now)
