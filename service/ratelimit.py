"""A fixed-window limiter per client key for everything without login (public API, portal, login).

create_app makes one limiter and keeps it in `app.extensions[EXTENSION_KEY]`, so a client's budget is
the same whether it calls the public API or fills in the portal's forms. The edges choose the key
(the client's address, optionally with a scope); this module knows nothing about HTTP.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from service.errors import TooManyRequests, Unauthorized

EXTENSION_KEY = "petitionflow_ratelimit"
_MAX_KEYS = 10_000
_WINDOW = 60  # seconds
T = TypeVar("T")


class RateLimiter:
    def __init__(
        self, limit_per_minute: Callable[[], int], now: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit_per_minute
        self._now = now
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one request for `key`; raises TooManyRequests past the limit of this minute."""
        if self._add(key, 1) > self._limit():
            raise self._refusal()

    def check(self, key: str) -> None:
        """Raises TooManyRequests when `key` has used up this minute's budget; counts nothing."""
        if self._add(key, 0) >= self._limit():
            raise self._refusal()

    def record(self, key: str) -> None:
        """Count one event for `key` (a failed sign-in) without refusing it: check() refuses the next."""
        self._add(key, 1)

    def _add(self, key: str, amount: int) -> int:
        """This minute's count for `key` after adding `amount`."""
        window = int(self._now() // _WINDOW)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            if amount:
                count += amount
                self._windows[key] = (start, count)
                if len(self._windows) > _MAX_KEYS:
                    self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        return count

    def _refusal(self) -> TooManyRequests:
        retry_after = max(1, math.ceil(_WINDOW - self._now() % _WINDOW))  # until the window turns
        return TooManyRequests(f"请求过于频繁，请 {retry_after} 秒后再试", retry_after=retry_after)


def limit_sign_in(limiter: RateLimiter, *, client: str, username: str, attempt: Callable[[], T]) -> T:
    """Run a password check unless this client has used up its failures on this username this
    minute; a failure (Unauthorized) counts. The key is per client and per username, so failures
    on other usernames, or from other clients, never hold a correct sign-in back. The login page
    and the token endpoint share these budgets."""
    key = f"sign-in:{client}:{username[:100]}"
    limiter.check(key)
    try:
        return attempt()
    except Unauthorized:
        limiter.record(key)
        raise
