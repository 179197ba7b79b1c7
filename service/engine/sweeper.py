"""The timer sweeper: takes due timer rows and fires each through the runtime, exactly once.

Each due row is handled in its own unit of work: the row is locked `FOR UPDATE SKIP LOCKED`, then
its instance `FOR UPDATE SKIP LOCKED` (so two workers never wait on each other), and the runtime
fires the instance's due timers in that same transaction. A worker that dies mid-batch loses only
its uncommitted transaction; the row stays pending and the next sweep fires it. A firing that
raises is retried with exponential backoff and becomes an incident after `max_attempts`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.engine.commands import FireTimers
from service.engine.models import TIMER_INCIDENT, TIMER_PENDING, ProcessInstance, Timer
from service.engine.runtime import Runtime
from service.errors import DomainError, NotFound

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BASE_BACKOFF = timedelta(minutes=1)


@dataclass
class SweepResult:
    fired: int = 0
    failed: int = 0
    incidents: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"fired": self.fired, "failed": self.failed, "incidents": self.incidents}


def due_clause(now: datetime):  # type: ignore[no-untyped-def]
    return (
        (Timer.status == TIMER_PENDING)
        & (Timer.due_at <= now)
        & or_(Timer.retry_at.is_(None), Timer.retry_at <= now)
    )


class TimerSweeper:
    def __init__(
        self, runtime: Runtime, *, max_attempts: int = MAX_ATTEMPTS, backoff: timedelta = BASE_BACKOFF
    ):
        self.runtime = runtime
        self.max_attempts = max_attempts
        self.backoff = backoff

    def sweep(self, *, as_of: datetime | None = None, limit: int = 10_000) -> SweepResult:
        """Fire every timer due at `as_of` (default: now); never one that is not yet due."""
        now = as_of or self.runtime.clock.now()
        result = SweepResult()
        busy: set[int] = set()
        for _ in range(limit):
            try:
                with self.runtime.db.transaction() as session:
                    picked = self._pick(session, now, busy)
                    if picked is None:
                        return result
                    timer_id, instance_id = picked
                    outcome = self.runtime.execute(
                        FireTimers(instance_id=instance_id, as_of=now), session=session
                    )
                    result.fired += max(len(outcome.fired_timers), 1 if outcome.ended else 0)
            except (DomainError, Exception) as error:
                if isinstance(error, NotFound):
                    continue
                result.failed += 1
                if self._record_failure(timer_id, error, now):
                    result.incidents += 1
                busy.add(timer_id)
        return result

    def _pick(self, session: Session, now: datetime, busy: set[int]) -> tuple[int, str] | None:
        """Lock one due timer and its instance, skipping rows and instances other workers hold."""
        skipped: set[int] = set(busy)
        while True:
            # Ordered by due_at only, so the (status, due_at) index yields the row without a sort.
            statement = select(Timer).where(due_clause(now)).order_by(Timer.due_at).limit(1)
            if skipped:
                statement = statement.where(Timer.id.not_in(skipped))
            timer = session.execute(statement.with_for_update(skip_locked=True)).scalar_one_or_none()
            if timer is None:
                return None
            instance = session.execute(
                select(ProcessInstance.id)
                .where(ProcessInstance.id == timer.instance_id)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if instance is not None:
                return timer.id, timer.instance_id
            skipped.add(timer.id)

    def _record_failure(self, timer_id: int, error: Exception, now: datetime) -> bool:
        """Schedule a retry with backoff; after max_attempts, raise an incident. True if it became one."""
        log.warning("timer %s failed: %s", timer_id, error)
        with self.runtime.db.transaction() as session:
            timer = session.get(Timer, timer_id)
            if timer is None:
                return False
            timer.attempts += 1
            timer.last_error = str(getattr(error, "detail", error))[:2000]
            timer.updated_at = now
            if timer.attempts >= self.max_attempts:
                timer.status = TIMER_INCIDENT
                return True
            timer.retry_at = now + self.backoff * (2 ** (timer.attempts - 1))
            return False


def retry_incident(session: Session, timer_id: int, now: datetime) -> Timer:
    """An administrator's retry: the incident becomes a pending timer again, due now."""
    timer = session.get(Timer, timer_id)
    if timer is None or timer.status != TIMER_INCIDENT:
        raise NotFound("没有这个待处理的异常")
    timer.status, timer.attempts, timer.retry_at, timer.updated_at = TIMER_PENDING, 0, None, now
    return timer
