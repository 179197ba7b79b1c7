"""After a year's calendar is imported: recompute every timer that was due on a provisional deadline."""

from __future__ import annotations

from sqlalchemy import select

from service.engine.commands import Actor, RecomputeTimers
from service.engine.models import TIMER_PENDING, Timer
from service.engine.runtime import Runtime


def recompute_provisional_timers(runtime: Runtime, *, actor: Actor) -> int:
    """Each instance with a pending provisional timer gets one RecomputeTimers command (never earlier)."""
    pending = select(Timer.instance_id).where(Timer.status == TIMER_PENDING, Timer.provisional.is_(True))
    with runtime.db.session() as session:
        instance_ids = list(session.scalars(pending.distinct()))
    for instance_id in instance_ids:
        runtime.execute(RecomputeTimers(instance_id=instance_id, actor=actor))
    return len(instance_ids)
