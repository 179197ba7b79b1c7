"""分类与部门: the administrator's pages for the category tree and the department list, with forms to
add and change them. They call the same domain functions as the API (service/petitions/reference.py,
departments.py), so the rules, the audit events and the option lists' refresh are the same."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from service.errors import Conflict, Invalid
from service.identity.roles import ADMIN
from service.petitions import departments, reference
from service.web import context
from service.web.context import db, services

blp = Blueprint("reference", __name__, url_prefix="/work/admin")
context.require_login(blp)
Page = str | tuple[str, int] | Response


@blp.before_request
def _admins_only() -> None:
    context.require_role(ADMIN)


def _int(form: MultiDict[str, str], name: str, errors: dict[str, str]) -> int | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors[name] = "排序须为整数"
        return None


def _category_values(form: MultiDict[str, str], errors: dict[str, str], *, adding: bool) -> dict[str, Any]:
    """The form as the domain takes it. Adding, a blank default department means the parent's (none
    for a top-level category); editing, it means none. A blank sort order: last among its siblings
    (adding), unchanged (editing)."""
    values: dict[str, Any] = {
        "name": form.get("name", ""),
        "parent_code": form.get("parent_code") or None,
        "restricted": form.get("restricted") == "1",
        "focus_tag": form.get("focus_tag", ""),
        "active": form.get("active") == "1",
    }
    if form.get("default_department") or not adding:
        values["default_department"] = form.get("default_department") or None
    order = _int(form, "sort_order", errors)
    if order is not None:
        values["sort_order"] = order
    return values


def _department_values(form: MultiDict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": form.get("name", ""),
        "kind": form.get("kind", ""),
        "active": form.get("active") == "1",
    }
    order = _int(form, "sort_order", errors)
    if order is not None:
        values["sort_order"] = order
    return values


def _save(change: Callable[..., Any], **arguments: Any) -> tuple[dict[str, str], int]:
    """Run a domain change in one unit of work; its refusal as field errors and a status."""
    app = services()
    try:
        with app.db.transaction() as tx:
            change(
                tx,
                actor=context.current_user().username,
                now=app.clock.now(),
                refresh=app.reference_lists.invalidate,
                **arguments,
            )
    except Invalid as error:
        return {k: str(v) for k, v in error.errors.items()} or {"_": error.detail}, 422
    except Conflict as error:
        return {k: str(v) for k, v in error.errors.items()} or {"_": error.detail}, 409
    return {}, 200


# -- categories -------------------------------------------------------------------------------------


def _categories_page(
    template: str, *, values: Mapping[str, Any], errors: Mapping[str, str], **extra: Any
) -> str:
    session = db()
    listed = departments.list_departments(session)
    return render_template(
        f"admin/{template}",
        categories=reference.list_categories(session),
        departments=listed,
        department_names={d.code: d.name for d in listed},
        values=values,
        errors=errors,
        **({"code": None} | extra),
    )


@blp.get("/categories")
def categories() -> str:
    return _categories_page("categories.html", values={"active": True}, errors={})


@blp.post("/categories")
def add_category() -> Page:
    errors: dict[str, str] = {}
    values = _category_values(request.form, errors, adding=True) | {"code": request.form.get("code", "")}
    status = 422
    if not errors:
        errors, status = _save(reference.create_category, values=values)
    if errors:
        return _categories_page("categories.html", values=values, errors=errors), status
    flash(f"已新增分类：{values['name'].strip()}（{values['code'].strip()}）", "success")
    return redirect(url_for("web.reference.categories"))


@blp.get("/categories/<code>")
def category(code: str) -> str:
    found = reference.get_category(db(), code)
    return _categories_page("category.html", values=asdict(found), errors={}, code=code)


@blp.post("/categories/<code>")
def change_category(code: str) -> Page:
    reference.get_category(db(), code)  # 404 for an unknown code
    errors: dict[str, str] = {}
    values = _category_values(request.form, errors, adding=False)
    status = 422
    if not errors:
        errors, status = _save(reference.update_category, code=code, changes=values)
    if errors:
        return _categories_page("category.html", values=values, errors=errors, code=code), status
    flash(f"已保存分类：{values['name'].strip()}（{code}）", "success")
    return redirect(url_for("web.reference.categories"))


# -- departments ------------------------------------------------------------------------------------


def _departments_page(
    template: str, *, values: Mapping[str, Any], errors: Mapping[str, str], **extra: Any
) -> str:
    return render_template(
        f"admin/{template}",
        departments=departments.list_departments(db()),
        kinds=departments.KINDS,
        values=values,
        errors=errors,
        **({"code": None} | extra),
    )


@blp.get("/departments")
def departments_index() -> str:
    return _departments_page("departments.html", values={"active": True, "kind": "functional"}, errors={})


@blp.post("/departments")
def add_department() -> Page:
    errors: dict[str, str] = {}
    values = _department_values(request.form, errors) | {"code": request.form.get("code", "")}
    status = 422
    if not errors:
        errors, status = _save(departments.create_department, values=values)
    if errors:
        return _departments_page("departments.html", values=values, errors=errors), status
    flash(f"已新增部门：{values['name'].strip()}（{values['code'].strip()}）", "success")
    return redirect(url_for("web.reference.departments_index"))


@blp.get("/departments/<code>")
def department(code: str) -> str:
    found = departments.get_department(db(), code)
    values = {name: getattr(found, name) for name in departments.FIELDS}
    return _departments_page("department.html", values=values, errors={}, code=code)


@blp.post("/departments/<code>")
def change_department(code: str) -> Page:
    departments.get_department(db(), code)  # 404 for an unknown code
    errors: dict[str, str] = {}
    values = _department_values(request.form, errors)
    status = 422
    if not errors:
        errors, status = _save(departments.update_department, code=code, changes=values)
    if errors:
        return _departments_page("department.html", values=values, errors=errors, code=code), status
    flash(f"已保存部门：{values['name'].strip()}（{code}）", "success")
    return redirect(url_for("web.reference.departments_index"))
