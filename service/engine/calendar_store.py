"""The current business calendar (rules + day data), rebuilt when an administrator changes either.

The calendar is cached per process. Every change bumps the one-row `calendar_revision` table in the
same transaction; `current()` reads that row at most every `recheck_seconds` (one primary-key read),
so a change made by any process (the web server, a Celery worker, the CLI) is seen within seconds,
and at once by the process that made it (it calls `invalidate()`). Without a database, or while the
calendar tables are missing (a database not yet migrated), the rules come from
processes/deadline_rules.json alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from service.db import Database
from service.engine.calendar import BusinessCalendar, load_rules
from service.engine.holidays import load_calendar, revision

log = logging.getLogger(__name__)


class CalendarStore:
    def __init__(
        self,
        rules_path: Path,
        db: Database | None = None,
        *,
        recheck_seconds: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rules_path = rules_path
        self.recheck_seconds = recheck_seconds
        self._db = db
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._current: BusinessCalendar | None = None
        self._revision: int | None = None
        self._checked_at = float("-inf")

    def current(self) -> BusinessCalendar:
        if self._db is None:
            with self._lock:
                if self._current is None:
                    self._current = BusinessCalendar(rules=load_rules(self.rules_path))
                return self._current
        now = self._monotonic()
        with self._lock:
            if self._current is not None and now - self._checked_at < self.recheck_seconds:
                return self._current
        try:
            with self._db.session() as session:
                seen = revision(session)
                with self._lock:
                    if self._current is not None and self._revision == seen:
                        self._checked_at = now
                        return self._current
                loaded = load_calendar(session, self.rules_path)
        except SQLAlchemyError as error:
            log.warning(
                "calendar tables unreadable (%s); using %s only", type(error).__name__, self.rules_path
            )
            return BusinessCalendar(rules=load_rules(self.rules_path))
        with self._lock:
            self._current, self._revision, self._checked_at = loaded, seen, now
        return loaded

    def invalidate(self) -> None:
        with self._lock:
            self._current, self._revision, self._checked_at = None, None, float("-inf")
