"""The shared fixed-window limiter: per key, per minute, a DomainError the edges map to 429."""

from __future__ import annotations

from datetime import timedelta

import pytest
from werkzeug.test import TestResponse

from service.errors import DomainError, TooManyRequests
from service.ratelimit import EXTENSION_KEY, RateLimiter
from tests.conftest import Harness
from tests.web.support import WebClient


def test_each_key_gets_its_own_budget_per_minute() -> None:
    clock = [120.0]
    limiter = RateLimiter(lambda: 2, now=lambda: clock[0])
    limiter.hit("a")
    limiter.hit("a")
    limiter.hit("login:a")  # another scope is another budget
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("a")
    assert isinstance(refused.value, DomainError)
    assert refused.value.title == "请求过于频繁"
    clock[0] = 180.0  # the next minute starts afresh
    limiter.hit("a")


def test_check_refuses_a_spent_budget_without_counting() -> None:
    clock = [130.5]
    limiter = RateLimiter(lambda: 2, now=lambda: clock[0])
    limiter.check("a")  # nothing counted yet
    limiter.record("a")
    limiter.record("a")
    limiter.record("a")  # recording never refuses
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("a")
    assert refused.value.retry_after == 50  # the minute turns at 180
    limiter.check("b")


def test_the_limit_is_read_on_every_hit() -> None:
    limit = [1]
    limiter = RateLimiter(lambda: limit[0], now=lambda: 0.0)
    limiter.hit("a")
    limit[0] = 5
    limiter.hit("a")


def test_too_many_requests_is_a_429_problem(harness: Harness) -> None:
    app = harness.api.client.application
    with app.test_request_context("/api/v1/public/petitions"):
        handled = app.make_response(app.handle_user_exception(TooManyRequests("一分钟后再试")))
    assert handled.status_code == 429
    assert handled.mimetype == "application/problem+json"
    assert handled.get_json()["title"] == "请求过于频繁"


def _sign_in_limiter(harness: Harness, limit: int) -> None:
    """A small budget on the harness's clock, in place of the app's limiter."""
    harness.api.client.application.extensions[EXTENSION_KEY] = RateLimiter(
        lambda: limit, now=lambda: harness.clock.now().timestamp()
    )


def _token(harness: Harness, username: str, password: str, address: str = "127.0.0.1") -> TestResponse:
    return harness.api.client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_passwords_for_a_token_are_limited_per_client_and_username(harness: Harness) -> None:
    _sign_in_limiter(harness, 5)
    codes = [_token(harness, "assessor", "wrong").status_code for _ in range(30)]
    assert codes == [401] * 5 + [429] * 25
    harness.clock.advance(timedelta(seconds=29.5))
    refused = _token(harness, "assessor", "demo")  # even the right password waits for the next minute
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "31"
    assert refused.get_json()["title"] == "请求过于频繁" and "31 秒后再试" in refused.get_json()["detail"]
    # Failures on one username hold back neither another username nor another client.
    assert _token(harness, "leader", "demo").status_code == 200
    assert _token(harness, "assessor", "demo", address="10.0.0.9").status_code == 200
    harness.clock.advance(timedelta(seconds=31))
    assert _token(harness, "assessor", "demo").status_code == 200


def test_successful_sign_ins_spend_no_budget(harness: Harness) -> None:
    _sign_in_limiter(harness, 2)
    assert [_token(harness, "assessor", "demo").status_code for _ in range(4)] == [200] * 4


def test_the_login_page_and_the_token_endpoint_share_the_budget(harness: Harness) -> None:
    _sign_in_limiter(harness, 3)
    assert _token(harness, "assessor", "wrong").status_code == 401
    assert _token(harness, "assessor", "wrong").status_code == 401
    web = WebClient(harness.api.client)
    web.get("/login")
    assert web.post("/login", {"username": "assessor", "password": "wrong"}).status_code == 401
    refused = web.post("/login", {"username": "assessor", "password": "demo"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "请求过于频繁" in refused.get_data(as_text=True)
    assert _token(harness, "assessor", "demo").status_code == 429
