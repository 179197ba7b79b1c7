"""A fixed-window limiter per client address for the public endpoints (no login there)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import request

from service.errors import DomainError


class TooManyRequests(DomainError):
    title = "请求过于频繁"


class RateLimiter:
    def __init__(
        self, limit_per_minute: Callable[[], int], now: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit_per_minute
        self._now = now
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        window = int(self._now() // 60)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key] = (start, count)
            if len(self._windows) > 10_000:
                self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        if count > self._limit():
            raise TooManyRequests("请求过于频繁，请一分钟后再试")

    def hit_client(self) -> None:
        self.hit(request.remote_addr or "unknown")
