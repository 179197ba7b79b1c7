"""The shared fixed-window limiter: per key, per minute, a DomainError the edges map to 429."""

from __future__ import annotations

import pytest

from service.errors import DomainError, TooManyRequests
from service.ratelimit import RateLimiter
from tests.conftest import Harness


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
