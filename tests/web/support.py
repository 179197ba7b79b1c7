"""A test client that behaves like a browser on the server-rendered pages (cookies and CSRF tokens)."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_TOKEN = re.compile(r'(?:name="csrf_token" value|data-csrf)="([^"]+)"')


class WebClient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(url, **kwargs)
        found = _TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> TestResponse:
        body = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            body["csrf_token"] = self.token
        return self.client.post(url, data=body, **kwargs)

    def login(self, username: str, password: str = "demo") -> TestResponse:
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def text(self, url: str) -> str:
        response = self.get(url)
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
        return response.get_data(as_text=True)


def login(page: Any, username: str) -> None:
    """Sign a demo user in through the browser's login form."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/work/tasks"))
