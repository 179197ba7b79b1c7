"""A fixed-window limiter per client key for everything without login (public API, portal, login).

create_app makes one limiter and keeps it in `app.extensions[EXTENSION_KEY]`, so a client's budget is
the same whether it calls the public API or fills in the portal's forms. The edges choose the key
(the client's address, optionally with a scope); this module knows nothing about HTTP.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from service.errors import TooManyRequests

EXTENSION_KEY = "petitionflow_ratelimit"
_MAX_KEYS = 10_000


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
        window = int(self._now() // 60)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key] = (start, count)
            if len(self._windows) > _MAX_KEYS:
                self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        if count > self._limit():
            raise TooManyRequests("请求过于频繁，请一分钟后再试")
