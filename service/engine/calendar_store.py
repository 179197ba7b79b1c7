"""The current business calendar (rules + day data), rebuilt when an administrator changes either."""

from __future__ import annotations

import threading
from pathlib import Path

from service.engine.calendar import BusinessCalendar, load_rules


class CalendarStore:
    def __init__(self, rules_path: Path) -> None:
        self._rules_path = rules_path
        self._lock = threading.Lock()
        self._current: BusinessCalendar | None = None

    def current(self) -> BusinessCalendar:
        with self._lock:
            if self._current is None:
                self._current = BusinessCalendar(rules=load_rules(self._rules_path))
            return self._current

    def invalidate(self) -> None:
        with self._lock:
            self._current = None
