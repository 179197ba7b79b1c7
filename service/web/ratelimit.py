"""Rate limits for the pages without login (the portal and the login form).

The limiter (service.ratelimit) is created once by create_app and shared through app.extensions, so
a client's budget is the same whether it calls the public API or fills in the portal's forms. Past
the budget it raises TooManyRequests, which the pages show as a 429 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request

from service.ratelimit import EXTENSION_KEY, RateLimiter, limit_sign_in

T = TypeVar("T")


def hit_client(scope: str | None = None) -> None:
    """Count one request of this client; the portal shares the public API's key (the address)."""
    limiter: RateLimiter = current_app.extensions[EXTENSION_KEY]
    address = request.remote_addr or "unknown"
    limiter.hit(f"{scope}:{address}" if scope else address)


def sign_in(username: str, attempt: Callable[[], T]) -> T:
    """A password check under the failed-sign-in budget of this client and username (shared with
    the API's token endpoint)."""
    limiter: RateLimiter = current_app.extensions[EXTENSION_KEY]
    return limit_sign_in(limiter, client=request.remote_addr or "unknown", username=username, attempt=attempt)
