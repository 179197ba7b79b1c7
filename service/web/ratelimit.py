"""Rate limits for the pages without login (the portal and the login form).

The limiter is the API's own, created once by create_app and shared through app.extensions, so a
client's budget is the same whether it calls the public API or fills in the portal's forms.
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app, request

from service.errors import DomainError
from service.web.errors import TooManyRequests

EXTENSION_KEY = "petitionflow_ratelimit"


class Limiter(Protocol):
    def hit(self, key: str) -> None: ...


def hit_client(scope: str | None = None) -> None:
    """Count one request of this client; the portal shares the public API's key (the address)."""
    limiter: Limiter = current_app.extensions[EXTENSION_KEY]
    address = request.remote_addr or "unknown"
    try:
        limiter.hit(f"{scope}:{address}" if scope else address)
    except DomainError as error:
        raise TooManyRequests("请求过于频繁，请一分钟后再试") from error
