"""Session cookies, CSRF on every form, the Content-Security-Policy and escaping of user text."""

from __future__ import annotations

from tests.conftest import Harness
from tests.web.helpers import routed_petition
from tests.web.support import WebClient


def test_login_sets_an_httponly_samesite_session_cookie(web: WebClient) -> None:
    response = web.login("assessor")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("petitionflow_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_carry_a_strict_content_security_policy(web: WebClient) -> None:
    for url in ("/login", "/portal", "/portal/submit"):
        policy = web.get(url).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
    web.login("admin")
    modeler = web.get("/work/models/petition/versions/1/edit").headers["Content-Security-Policy"]
    assert "script-src 'self';" in modeler  # the modeler relaxes styles only, never scripts


def test_no_inline_script_in_any_page(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(harness)
    web.login("assessor")
    for url in ("/work/tasks", "/work/petitions", f"/work/petitions/{detail['id']}", "/work/petitions/new"):
        html = web.text(url)
        assert "<script>" not in html
        assert "onclick=" not in html


def test_posts_without_the_csrf_token_are_refused(web: WebClient) -> None:
    web.get("/login")
    refused = web.post("/login", {"username": "assessor", "password": "demo"}, csrf=False)
    assert refused.status_code == 400
    assert "页面已过期" in refused.get_data(as_text=True)
    web.login("registrar")
    refused = web.post("/work/petitions/new", {"title": "x"}, csrf=False)
    assert refused.status_code == 400
    refused = web.post("/logout", csrf=False)
    assert refused.status_code == 400
    portal = web.post("/portal/submit", {"title": "x"}, csrf=False)
    assert portal.status_code == 400


def test_the_api_still_takes_bearer_tokens_without_a_form_token(harness: Harness) -> None:
    response = harness.api.post(
        "/api/v1/public/petitions",
        {
            "request_type": "suggestion",
            "category": "logistics.canteen",
            "title": "t",
            "content": "c",
            "anonymous": True,
        },
    )
    assert response.status_code == 201


def test_user_text_is_escaped(web: WebClient, harness: Harness) -> None:
    detail = routed_petition(
        harness, title="<img src=x onerror=alert(1)>", content="<script>alert(2)</script>"
    )
    web.login("assessor")
    html = web.text(f"/work/petitions/{detail['id']}")
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    tasks = web.text("/work/tasks?scope=group")
    assert "<img src=x" not in tasks


def test_pages_need_a_login_and_return_there_afterwards(web: WebClient) -> None:
    response = web.get("/work/petitions?q=abc")
    assert response.status_code == 302
    assert "/login?next=/work/petitions?q%3Dabc" in response.headers["Location"]
    web.get("/login")
    response = web.post("/login", {"username": "assessor", "password": "demo", "next": "/work/petitions"})
    assert response.headers["Location"] == "/work/petitions"


def test_login_never_redirects_off_site(web: WebClient) -> None:
    web.get("/login")
    response = web.post("/login", {"username": "assessor", "password": "demo", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/work/tasks"


def test_wrong_password_shows_a_message(web: WebClient) -> None:
    web.get("/login")
    response = web.post("/login", {"username": "assessor", "password": "nope"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_logout_ends_the_session(web: WebClient) -> None:
    web.login("assessor")
    assert web.get("/work/tasks").status_code == 200
    web.post("/logout")
    assert web.get("/work/tasks").status_code == 302
