"""Content categories and departments: every signed-in user reads them (inactive ones flagged);
administrators add and change them (the rules: service/petitions/reference.py, departments.py)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields

from service.api.context import caller_first, current_user, require_role, services, session
from service.api.schemas import BaseSchema
from service.identity.roles import ADMIN
from service.petitions import departments, reference

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="问题分类与部门")


class CategorySchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    parent_code = fields.String(allow_none=True, metadata={"description": "上级分类（一级分类为空）"})
    default_department = fields.String(allow_none=True, metadata={"description": "默认承办部门"})
    restricted = fields.Boolean(metadata={"description": "受限：写信人身份保密，只交纪委办公室办理"})
    protected = fields.Boolean(metadata={"description": "本身受限，或上级分类受限"})
    focus_tag = fields.String(allow_none=True, metadata={"description": "重点领域标签"})
    active = fields.Boolean(metadata={"description": "停用的分类不再供登记选择"})
    sort_order = fields.Integer()


class CategoryListSchema(BaseSchema):
    items = fields.List(fields.Nested(CategorySchema))


class CategoryChangeSchema(BaseSchema):
    code = fields.String(metadata={"description": "不能修改；给出时须与地址中的编码相同"})
    name = fields.String()
    parent_code = fields.String(allow_none=True)
    default_department = fields.String(allow_none=True)
    restricted = fields.Boolean()
    focus_tag = fields.String(allow_none=True)
    active = fields.Boolean()
    sort_order = fields.Integer(strict=True)


class CategoryCreateSchema(CategoryChangeSchema):
    code = fields.String(
        required=True, metadata={"description": "小写字母、数字、下划线；下级分类为“上级编码.名称”"}
    )
    name = fields.String(required=True)
    default_department = fields.String(
        allow_none=True, metadata={"description": "不给出时随上级分类；null 为不设"}
    )
    sort_order = fields.Integer(strict=True, metadata={"description": "不给出时排在同级最后"})


class DepartmentSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "office | functional | college"})
    active = fields.Boolean(metadata={"description": "停用的部门不再供分流选择"})
    sort_order = fields.Integer()


class DepartmentListSchema(BaseSchema):
    items = fields.List(fields.Nested(DepartmentSchema))


class DepartmentChangeSchema(BaseSchema):
    code = fields.String(metadata={"description": "不能修改；给出时须与地址中的编码相同"})
    name = fields.String()
    kind = fields.String()
    active = fields.Boolean()
    sort_order = fields.Integer(strict=True)


class DepartmentCreateSchema(DepartmentChangeSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


def _change(**arguments: Any) -> dict[str, Any]:
    """Who changes, when, and the option lists to refresh once the change has committed."""
    app = services()
    return {
        "actor": require_role(ADMIN).username,
        "now": app.clock.now(),
        "refresh": app.reference_lists.invalidate,
        **arguments,
    }


@blp.route("/categories", methods=["GET"])
@blp.response(200, CategoryListSchema)
def list_categories() -> dict[str, Any]:
    current_user()
    return {"items": reference.list_categories(session())}


@blp.route("/categories", methods=["POST"])
@caller_first(require_role, ADMIN)
@blp.arguments(CategoryCreateSchema)
@blp.response(201, CategorySchema)
def create_category(body: dict[str, Any]) -> Any:
    with services().db.transaction() as tx:
        return reference.create_category(tx, **_change(values=body))


@blp.route("/categories/<code>", methods=["GET"])
@blp.response(200, CategorySchema)
def get_category(code: str) -> Any:
    current_user()
    return reference.get_category(session(), code)


@blp.route("/categories/<code>", methods=["PATCH"])
@caller_first(require_role, ADMIN)
@blp.arguments(CategoryChangeSchema)
@blp.response(200, CategorySchema)
def update_category(body: dict[str, Any], code: str) -> Any:
    """Change any of the fields; the code stays. Refused per field with nothing changed."""
    with services().db.transaction() as tx:
        return reference.update_category(tx, code, **_change(changes=body))


@blp.route("/departments", methods=["GET"])
@blp.response(200, DepartmentListSchema)
def list_departments() -> dict[str, Any]:
    current_user()
    return {"items": departments.list_departments(session())}


@blp.route("/departments", methods=["POST"])
@caller_first(require_role, ADMIN)
@blp.arguments(DepartmentCreateSchema)
@blp.response(201, DepartmentSchema)
def create_department(body: dict[str, Any]) -> Any:
    with services().db.transaction() as tx:
        return departments.create_department(tx, **_change(values=body))


@blp.route("/departments/<code>", methods=["GET"])
@blp.response(200, DepartmentSchema)
def get_department(code: str) -> Any:
    current_user()
    return departments.get_department(session(), code)


@blp.route("/departments/<code>", methods=["PATCH"])
@caller_first(require_role, ADMIN)
@blp.arguments(DepartmentChangeSchema)
@blp.response(200, DepartmentSchema)
def update_department(body: dict[str, Any], code: str) -> Any:
    """Change name, kind, active or sort order; deactivating a department that still has open
    tasks, active accounts or categories routed to it is refused with the reasons."""
    with services().db.transaction() as tx:
        return departments.update_department(tx, code, **_change(changes=body))
