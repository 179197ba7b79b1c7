"""分类与部门: the administrator's pages list the category tree and the departments, and add and save
them through the same rules as the API; nobody else opens them."""

from __future__ import annotations

from sqlalchemy import select

from service.audit.models import AuditEvent
from service.identity.models import Department
from service.petitions.models import Category
from tests.conftest import Harness
from tests.web.support import WebClient

CATEGORIES, DEPARTMENTS = "/work/admin/categories", "/work/admin/departments"


def category(harness: Harness, code: str) -> Category | None:
    with harness.db.session() as session:
        return session.get(Category, code)


def test_the_administrator_finds_the_pages_in_the_menu(web: WebClient) -> None:
    web.login("admin")
    assert f'href="{CATEGORIES}"' in web.text("/work/tasks")
    html = web.text(CATEGORIES)
    assert "师德师风与纪律" in html and "受限" in html
    assert "└ 食堂" in html  # children under their parent
    assert 'name="csrf_token"' in html
    assert "后勤处" in web.text(DEPARTMENTS)
    assert "纪委办公室" in web.text(f"{CATEGORIES}/ethics")
    assert web.get(f"{CATEGORIES}/nowhere").status_code == 404


def test_nobody_else_opens_or_posts_to_them(web: WebClient, harness: Harness) -> None:
    for user in ("assessor", "auditor", "leader"):
        web.login(user)
        assert f'href="{CATEGORIES}"' not in web.text("/work/tasks")
        assert web.get(CATEGORIES).status_code == 403
        assert web.get(f"{DEPARTMENTS}/logistics").status_code == 403
        assert web.post(CATEGORIES, {"code": "library", "name": "图书馆", "active": "1"}).status_code == 403
        web.post("/logout")
    assert category(harness, "library") is None


def test_adding_a_category_from_the_page(web: WebClient, harness: Harness) -> None:
    web.login("admin")
    web.get(CATEGORIES)
    form = {"code": "logistics.laundry", "name": "洗衣房", "parent_code": "logistics", "active": "1"}
    saved = web.post(CATEGORIES, form)
    assert saved.status_code == 302
    assert "已新增分类：洗衣房" in web.text(CATEGORIES)
    added = category(harness, "logistics.laundry")
    assert added is not None and added.default_department == "logistics" and added.active
    wrong = web.post(CATEGORIES, {"code": "laundry2", "name": "洗衣二", "parent_code": "logistics"})
    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    assert "未作任何改动" in page and "logistics.laundry2" in page  # the rule, with the code it wants
    assert 'value="laundry2"' in page  # what was typed stays in the form
    assert category(harness, "laundry2") is None
    assert web.post(CATEGORIES, {"code": "logistics", "name": "后勤二"}).status_code == 409


def test_saving_a_category_from_its_page(web: WebClient, harness: Harness) -> None:
    web.login("admin")
    html = web.text(f"{CATEGORIES}/logistics.canteen")
    assert 'value="食堂"' in html and "编码不能修改" in html
    form = {
        "name": "饮食服务",
        "parent_code": "logistics",
        "default_department": "logistics",
        "restricted": "1",
        "active": "1",
        "sort_order": "701",
    }
    assert web.post(f"{CATEGORIES}/logistics.canteen", form).status_code == 302
    saved = category(harness, "logistics.canteen")
    assert saved is not None and saved.name == "饮食服务" and saved.restricted
    with harness.db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "category.updated").order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None and event.actor == "admin"
    assert event.data["before"] == {"name": "食堂", "restricted": False}
    refused = web.post(f"{CATEGORIES}/logistics", {"name": "后勤服务", "sort_order": "x", "active": "1"})
    assert refused.status_code == 422 and "排序须为整数" in refused.get_data(as_text=True)
    deactivate = web.post(f"{CATEGORIES}/logistics", {"name": "后勤服务", "sort_order": "700"})
    assert deactivate.status_code == 422 and "请先停用下级分类" in deactivate.get_data(as_text=True)
    kept = category(harness, "logistics")
    assert kept is not None and kept.active


def test_departments_are_added_and_refused_deactivation_with_the_reasons(
    web: WebClient, harness: Harness
) -> None:
    web.login("admin")
    web.get(DEPARTMENTS)
    assert (
        web.post(
            DEPARTMENTS, {"code": "library", "name": "图书馆", "kind": "functional", "active": "1"}
        ).status_code
        == 302
    )
    assert "图书馆" in web.text(DEPARTMENTS)
    refused = web.post(
        f"{DEPARTMENTS}/logistics", {"name": "后勤处", "kind": "functional", "sort_order": "8"}
    )
    assert refused.status_code == 422 and "个启用的账号" in refused.get_data(as_text=True)
    renamed = web.post(
        f"{DEPARTMENTS}/library", {"name": "图书馆（新馆）", "kind": "functional", "active": "1"}
    )
    assert renamed.status_code == 302
    with harness.db.session() as session:
        library = session.get(Department, "library")
        logistics = session.get(Department, "logistics")
    assert library is not None and library.name == "图书馆（新馆）" and library.sort_order == 14
    assert logistics is not None and logistics.active


def test_a_form_without_its_token_is_refused(web: WebClient, harness: Harness) -> None:
    web.login("admin")
    response = web.post(CATEGORIES, {"code": "library", "name": "图书馆", "active": "1"}, csrf=False)
    assert response.status_code == 400
    assert category(harness, "library") is None
