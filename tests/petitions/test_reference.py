"""The editable taxonomy: categories and departments through the API (any staff reads, the
administrator changes), the rules of service/petitions/reference.py and departments.py, what a
change does to access and routing, the option lists' cache, and the audit events."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from service.audit.models import SYSTEM_STREAM, AuditEvent
from service.identity.models import User
from service.petitions.models import Category
from tests.conftest import Harness, add_user, petition_body, routed
from tests.support import ApiClient


def patch(api: ApiClient, url: str, body: dict[str, Any], user: str = "admin") -> TestResponse:
    return api.client.patch(url, json=body, headers={"Authorization": f"Bearer {api.token(user)}"})


def categories(api: ApiClient, user: str = "admin") -> dict[str, dict[str, Any]]:
    response = api.get("/api/v1/categories", user=user)
    assert response.status_code == 200, response.get_json()
    return {c["code"]: c for c in response.get_json()["items"]}


def departments(api: ApiClient, user: str = "admin") -> dict[str, dict[str, Any]]:
    response = api.get("/api/v1/departments", user=user)
    assert response.status_code == 200, response.get_json()
    return {d["code"]: d for d in response.get_json()["items"]}


def taxonomy_events(harness: Harness) -> list[AuditEvent]:
    with harness.db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(("category.created", "category.updated")))
                .order_by(AuditEvent.id)
            )
        ) + list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(("department.created", "department.updated")))
                .order_by(AuditEvent.id)
            )
        )


def snapshot(harness: Harness) -> tuple[list[tuple[Any, ...]], int]:
    """Every category row and the number of audit events: what a refused change must leave alone."""
    with harness.db.session() as session:
        rows = [
            (
                c.code,
                c.name,
                c.parent_code,
                c.default_department,
                c.restricted,
                c.focus_tag,
                c.active,
                c.sort_order,
            )
            for c in session.scalars(select(Category).order_by(Category.code))
        ]
        return rows, session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def routing_task(api: ApiClient, pid: int) -> dict[str, Any]:
    api.complete(pid, "screening", "assessor", decision="accept")
    task = api.task(pid, "routing", "assessor")
    body: dict[str, Any] = api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()
    return body


# -- reading and roles ------------------------------------------------------------------------------


def test_every_signed_in_user_reads_both_lists_with_all_fields(harness: Harness) -> None:
    api = harness.api
    for user in ("registrar", "logistics_handler", "leader", "auditor", "admin"):
        found = categories(api, user)
        assert found["ethics"] | {"sort_order": 0} == {
            "code": "ethics",
            "name": "师德师风与纪律",
            "parent_code": None,
            "default_department": "discipline",
            "restricted": True,
            "protected": True,
            "focus_tag": None,
            "active": True,
            "sort_order": 0,
        }
        assert found["logistics.canteen"]["parent_code"] == "logistics"
        assert departments(api, user)["logistics"] == {
            "code": "logistics",
            "name": "后勤处",
            "kind": "functional",
            "active": True,
            "sort_order": 8,
        }
    codes = list(categories(api))
    assert codes.index("teaching") < codes.index("teaching.quality") < codes.index("admissions")  # a tree
    assert api.get("/api/v1/categories").status_code == 401
    assert api.get("/api/v1/departments/nowhere", user="admin").status_code == 404


@pytest.mark.parametrize("user", ["assessor", "leader", "auditor", "registrar", "logistics_head"])
def test_only_the_administrator_adds_or_changes(harness: Harness, user: str) -> None:
    api = harness.api
    before = snapshot(harness)
    new = {"code": "library", "name": "图书馆"}
    assert api.post("/api/v1/categories", new, user=user).status_code == 403
    assert api.post("/api/v1/departments", new, user=user).status_code == 403
    assert patch(api, "/api/v1/categories/logistics", {"name": "x"}, user=user).status_code == 403
    assert patch(api, "/api/v1/departments/logistics", {"name": "x"}, user=user).status_code == 403
    # Refused before the body is read: a caller who may not change learns nothing from validation.
    assert patch(api, "/api/v1/categories/logistics", {"bogus": 1}, user=user).status_code == 403
    assert snapshot(harness) == before
    assert "library" not in departments(api)


# -- adding and changing ----------------------------------------------------------------------------


def test_the_administrator_adds_a_child_that_inherits_its_parents_department(harness: Harness) -> None:
    api = harness.api
    added = api.post(
        "/api/v1/categories",
        {"code": "logistics.laundry", "name": "洗衣房", "parent_code": "logistics"},
        user="admin",
    )
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert body["default_department"] == "logistics" and body["active"] and not body["restricted"]
    siblings = [c for c in categories(api).values() if c["parent_code"] == "logistics"]
    assert body["sort_order"] == max(c["sort_order"] for c in siblings)  # last among its siblings
    assert list(categories(api))[-1] != "logistics.laundry"  # listed under its parent, not at the end
    pid = api.register(petition_body(category="logistics.laundry"))["id"]
    assert api.petition(pid)["category"] == "logistics.laundry"
    top = api.post("/api/v1/categories", {"code": "library", "name": "图书馆服务"}, user="admin").get_json()
    assert top["parent_code"] is None and top["default_department"] is None
    assert top["sort_order"] > max(
        c["sort_order"] for c in categories(api).values() if c["code"] != "library"
    )


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"code": "Logistics.Laundry", "name": "洗衣房", "parent_code": "logistics"}, "code", "小写字母"),
        ({"code": "laundry", "name": "洗衣房", "parent_code": "logistics"}, "code", "logistics."),
        ({"code": "logistics.laundry", "name": "洗衣房"}, "code", "一级分类的编码"),
        ({"code": "nowhere.x", "name": "无", "parent_code": "nowhere"}, "parent_code", "没有这个上级分类"),
        ({"code": "logistics.canteen.night", "name": "夜宵"}, "code", "小写字母"),
        (
            {"code": "logistics.laundry", "name": "洗衣房", "parent_code": "logistics.canteen"},
            "parent_code",
            "只有两级",
        ),
        (
            {"code": "library", "name": "图书馆", "default_department": "nowhere"},
            "default_department",
            "没有这个部门",
        ),
        ({"code": "library", "name": "  "}, "name", "请填写名称"),
        ({"code": "library", "name": "图书馆", "focus_tag": "长" * 41}, "focus_tag", "40"),
        ({"code": "library", "name": "图书馆", "sort_order": -1}, "sort_order", "排序"),
        ({"code": "logistics.laundry", "name": "食堂", "parent_code": "logistics"}, "name", "同名"),
        ({"code": "library", "name": "图书馆", "restricted": "maybe"}, "restricted", "是/否"),
        ({"code": "library", "name": "图书馆", "colour": "red"}, "colour", "不允许的字段"),
    ],
)
def test_a_category_that_breaks_a_rule_is_refused_per_field_and_nothing_changes(
    harness: Harness, body: dict[str, Any], field: str, words: str
) -> None:
    before = snapshot(harness)
    response = harness.api.post("/api/v1/categories", body, user="admin")
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert words in response.get_json()["errors"][field]
    assert snapshot(harness) == before


def test_a_duplicate_code_is_a_conflict(harness: Harness) -> None:
    before = snapshot(harness)
    response = harness.api.post("/api/v1/categories", {"code": "logistics", "name": "后勤二"}, user="admin")
    assert response.status_code == 409 and "后勤服务" in response.get_json()["errors"]["code"]
    response = harness.api.post("/api/v1/departments", {"code": "hr", "name": "人事二处"}, user="admin")
    assert response.status_code == 409 and "人事处" in response.get_json()["errors"]["code"]
    assert snapshot(harness) == before


@pytest.mark.parametrize(
    ("code", "body", "field", "words"),
    [
        ("teaching", {"parent_code": "teaching.quality"}, "parent_code", "自己的下级"),
        ("teaching", {"parent_code": "teaching"}, "parent_code", "自己的上级"),
        ("teaching", {"parent_code": "logistics"}, "parent_code", "有下级分类"),
        ("logistics.canteen", {"parent_code": "teaching.quality"}, "parent_code", "只有两级"),
        ("logistics.canteen", {"code": "logistics.food"}, "code", "编码不能修改"),
        ("logistics", {"active": False}, "active", "请先停用下级分类"),
        ("logistics", {"name": "教育教学"}, "name", "同名"),
        ("logistics", {"default_department": "nowhere"}, "default_department", "没有这个部门"),
        ("logistics", {"sort_order": "first"}, "sort_order", "整数"),
    ],
)
def test_a_change_that_breaks_a_rule_is_refused_and_nothing_changes(
    harness: Harness, code: str, body: dict[str, Any], field: str, words: str
) -> None:
    before = snapshot(harness)
    response = patch(harness.api, f"/api/v1/categories/{code}", body)
    assert response.status_code == 422, response.get_json()
    assert words in response.get_json()["errors"][field]
    assert snapshot(harness) == before


def test_a_category_is_renamed_moved_and_deactivated_never_deleted(harness: Harness) -> None:
    api = harness.api
    assert patch(api, "/api/v1/categories/nowhere", {"name": "x"}).status_code == 404
    renamed = patch(api, "/api/v1/categories/logistics.shuttle", {"name": "校园巴士", "focus_tag": "交通"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "校园巴士"
    moved = patch(api, "/api/v1/categories/logistics.shuttle", {"parent_code": "safety"}).get_json()
    assert moved["parent_code"] == "safety" and moved["code"] == "logistics.shuttle"
    listed = list(categories(api))
    assert listed.index("safety") < listed.index("logistics.shuttle") < listed.index("logistics")
    off = patch(api, "/api/v1/categories/logistics.shuttle", {"active": False}).get_json()
    assert off["active"] is False and categories(api)["logistics.shuttle"]["active"] is False
    refused = api.post("/api/v1/petitions", petition_body(category="logistics.shuttle"), user="registrar")
    assert refused.status_code == 422 and "category" in refused.get_json()["errors"]
    with harness.db.session() as session:
        assert session.get(Category, "logistics.shuttle") is not None


def test_a_category_under_an_inactive_parent_cannot_be_active(harness: Harness) -> None:
    api = harness.api
    assert patch(api, "/api/v1/categories/finance", {"active": False}).status_code == 200
    response = api.post(
        "/api/v1/categories", {"code": "finance.fees", "name": "学费", "parent_code": "finance"}, user="admin"
    )
    assert response.status_code == 422 and "已停用" in response.get_json()["errors"]["parent_code"]
    inactive = {"code": "finance.fees", "name": "学费", "parent_code": "finance", "active": False}
    assert api.post("/api/v1/categories", inactive, user="admin").status_code == 201
    response = patch(api, "/api/v1/categories/finance.fees", {"active": True})
    assert response.status_code == 422 and "已停用" in response.get_json()["errors"]["active"]


def test_an_unchanged_value_is_no_change_and_writes_nothing(harness: Harness) -> None:
    before = snapshot(harness)
    same = patch(harness.api, "/api/v1/categories/logistics", {"name": "后勤服务", "active": True})
    assert same.status_code == 200
    assert patch(harness.api, "/api/v1/departments/hr", {"name": "人事处"}).status_code == 200
    assert snapshot(harness) == before


# -- what a change does: protection, routing, option lists --------------------------------------------


def test_restricting_a_category_protects_a_new_petition_in_it_and_its_children(harness: Harness) -> None:
    api = harness.api
    assert patch(api, "/api/v1/categories/logistics", {"restricted": True}).status_code == 200
    assert categories(api)["logistics.canteen"]["protected"] is True
    pid = api.register(petition_body(category="logistics.canteen"))["id"]
    task = routing_task(api, pid)
    url = f"/api/v1/tasks/{task['id']}/complete"
    to_logistics = api.post(url, {"data": {"department": "logistics", "co_departments": []}}, user="assessor")
    assert to_logistics.status_code == 422 and "纪委办公室" in to_logistics.get_json()["errors"]["department"]
    api.complete(pid, "routing", "assessor", department="discipline", co_departments=[])
    assert api.petition(pid, user="assessor")["petitioner"]["name"] == "张三"
    for user in ("discipline_handler", "leader", "auditor"):
        assert api.petition(pid, user=user)["petitioner"]["name"] == "（已保密）"


def test_protection_once_given_is_not_lifted_from_petitions_filed_under_it(harness: Harness) -> None:
    api = harness.api
    # No petition yet: restricting and lifting it again is the administrator's choice.
    assert patch(api, "/api/v1/categories/conduct", {"restricted": True}).status_code == 200
    assert patch(api, "/api/v1/categories/conduct", {"restricted": False}).status_code == 200
    assert patch(api, "/api/v1/categories/conduct", {"restricted": True}).status_code == 200
    pid = api.register(petition_body(category="conduct.attitude"))["id"]
    before = snapshot(harness)
    lifted = patch(api, "/api/v1/categories/conduct", {"restricted": False})
    assert lifted.status_code == 422 and "1 件信访事项" in lifted.get_json()["errors"]["restricted"]
    moved_out = patch(api, "/api/v1/categories/conduct.attitude", {"parent_code": "other"})
    assert moved_out.status_code == 422 and "第三十一条" in moved_out.get_json()["errors"]["parent_code"]
    assert snapshot(harness) == before
    assert api.petition(pid, user="leader")["petitioner"]["name"] == "（已保密）"
    # A sibling with nothing filed under it may still move out.
    assert patch(api, "/api/v1/categories/conduct.rules", {"parent_code": "other"}).status_code == 200


def test_moving_a_child_under_a_restricted_parent_protects_it(harness: Harness) -> None:
    api = harness.api
    assert patch(api, "/api/v1/categories/conduct.attitude", {"parent_code": "ethics"}).status_code == 200
    pid = api.register(petition_body(category="conduct.attitude"))["id"]
    task = routing_task(api, pid)
    assert task["data"]["department"] == "discipline"  # proposed as protected: the tree decides …
    url = f"/api/v1/tasks/{task['id']}/complete"
    refused = api.post(url, {"data": {"department": "office", "co_departments": []}}, user="assessor")
    assert refused.status_code == 422  # … and who may handle it
    assert api.petition(pid, user="leader")["petitioner"]["name"] == "（已保密）"
    listed = api.get("/api/v1/petitions?category=ethics", user="assessor").get_json()["items"]
    assert [p["id"] for p in listed] == [pid]


def test_the_cached_option_lists_see_a_change_at_once(harness: Harness) -> None:
    api = harness.api
    lists = harness.services.reference_lists
    assert dict(lists.departments())["logistics"] == "后勤处"  # cached now
    pid = api.register(petition_body())["id"]
    task = routing_task(api, pid)
    assert "library" not in task["form_schema"]["properties"]["department"]["enum"]
    added = api.post("/api/v1/departments", {"code": "library", "name": "图书馆"}, user="admin")
    assert added.status_code == 201 and added.get_json()["kind"] == "functional"
    assert patch(api, "/api/v1/departments/logistics", {"name": "后勤保障处"}).status_code == 200
    assert dict(lists.departments())["logistics"] == "后勤保障处"
    schema = api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()["form_schema"]
    department = schema["properties"]["department"]
    assert "library" in department["enum"] and department["x-enum-labels"]["logistics"] == "后勤保障处"
    assert patch(api, "/api/v1/departments/library", {"active": False}).status_code == 200
    schema = api.get(f"/api/v1/tasks/{task['id']}", user="assessor").get_json()["form_schema"]
    assert "library" not in schema["properties"]["department"]["enum"]
    assert departments(api)["library"]["active"] is False
    assert patch(api, "/api/v1/categories/logistics.canteen", {"name": "饮食服务"}).status_code == 200
    assert dict(lists.categories())["logistics.canteen"] == "饮食服务"


# -- departments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"code": "Library", "name": "图书馆"}, "code", "小写字母"),
        ({"code": "library", "name": ""}, "name", "请填写名称"),
        ({"code": "library", "name": "后勤处"}, "name", "同名"),
        ({"code": "library", "name": "图书馆", "kind": "bureau"}, "kind", "部门类型"),
    ],
)
def test_a_department_that_breaks_a_rule_is_refused(
    harness: Harness, body: dict[str, Any], field: str, words: str
) -> None:
    response = harness.api.post("/api/v1/departments", body, user="admin")
    assert response.status_code == 422 and words in response.get_json()["errors"][field]
    assert "library" not in departments(harness.api)


def test_a_department_with_people_work_or_categories_is_not_deactivated(harness: Harness) -> None:
    api = harness.api
    for fixed in ("office", "discipline"):
        response = patch(api, f"/api/v1/departments/{fixed}", {"active": False})
        assert response.status_code == 422 and "不能停用" in response.get_json()["errors"]["active"]
    response = patch(api, "/api/v1/departments/logistics", {"active": False})
    message = response.get_json()["errors"]["active"]
    assert response.status_code == 422
    assert "2 个启用的账号" in message and "后勤服务" in message and "待办" not in message
    api.post("/api/v1/departments", {"code": "library", "name": "图书馆"}, user="admin")
    add_user(harness, "library_handler", "handler", "library")
    add_user(harness, "library_head", "head", "library")  # routing wants someone to 签发 the reply
    pid = routed(api, "library")
    with harness.db.transaction() as session:  # the accounts go; the open sign-for stays
        for user in session.scalars(select(User).where(User.department_code == "library")):
            user.active = False
    response = patch(api, "/api/v1/departments/library", {"active": False})
    assert response.status_code == 422
    assert "1 件未办结的待办" in response.get_json()["errors"]["active"]
    assert departments(api)["library"]["active"] is True
    assert api.petition(pid)["department"] == "library"
    assert patch(api, "/api/v1/departments/library", {"code": "books"}).status_code == 422


def test_a_category_cannot_name_an_inactive_department(harness: Harness) -> None:
    api = harness.api
    api.post("/api/v1/departments", {"code": "library", "name": "图书馆", "active": False}, user="admin")
    response = patch(api, "/api/v1/categories/other", {"default_department": "library"})
    assert response.status_code == 422 and "已停用" in response.get_json()["errors"]["default_department"]


# -- audit ------------------------------------------------------------------------------------------


def test_every_change_is_an_audit_event_with_before_and_after(any_harness: Harness) -> None:
    harness = any_harness
    api = harness.api
    api.post(
        "/api/v1/categories",
        {"code": "logistics.laundry", "name": "洗衣房", "parent_code": "logistics"},
        user="admin",
    )
    patch(api, "/api/v1/categories/logistics.laundry", {"name": "洗衣服务", "restricted": True})
    api.post("/api/v1/departments", {"code": "library", "name": "图书馆"}, user="admin")
    patch(api, "/api/v1/departments/library", {"sort_order": 99, "active": False})
    api.post("/api/v1/departments", {"code": "hr", "name": "人事二处"}, user="admin")  # refused: no event
    events = taxonomy_events(harness)
    assert [(e.action, e.actor, e.stream) for e in events] == [
        ("category.created", "admin", SYSTEM_STREAM),
        ("category.updated", "admin", SYSTEM_STREAM),
        ("department.created", "admin", SYSTEM_STREAM),
        ("department.updated", "admin", SYSTEM_STREAM),
    ]
    created, changed, _, department = (e.data for e in events)
    assert created["code"] == "logistics.laundry" and created["after"]["default_department"] == "logistics"
    assert changed == {
        "code": "logistics.laundry",
        "before": {"name": "洗衣房", "restricted": False},
        "after": {"name": "洗衣服务", "restricted": True},
    }
    assert department == {
        "code": "library",
        "before": {"active": True, "sort_order": 14},
        "after": {"active": False, "sort_order": 99},
    }
    audit = api.get("/api/v1/audit?action=category.updated", user="auditor").get_json()
    assert audit["total"] == 1
    assert api.get("/api/v1/audit/verify", user="auditor").get_json()["intact"] is True
