"""100,000 pending timers of which 1,000 are due: how long finding and firing the due ones takes on
PostgreSQL, and the plan of the query that finds them.

The 1,000 due timers belong to real instances started through the runtime. The 99,000 others are
bulk-inserted rows (instances that will not be due for a year) — they exist to make the table
big; they are never fired, so their instance state is a placeholder.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import insert, select, text

from bench.common import postgres_available, scratch_database
from service.clock import LOCAL_TZ, FrozenClock
from service.config import PROJECT_ROOT
from service.container import build_services
from service.engine.commands import Actor, StartInstance
from service.engine.deployment import deploy_source
from service.engine.models import TIMER_PENDING, ProcessInstance, Timer
from service.engine.sweeper import TimerSweeper, due_clause
from service.identity.roles import ROLES

FIXTURE = PROJECT_ROOT / "tests" / "processes" / "timer_probe.bpmn"
TOTAL, DUE = 100_000, 1_000
CREATED = datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)
SWEEP_AT = datetime(2026, 3, 20, 9, tzinfo=LOCAL_TZ)  # after the 1,000 (due 03-03) and before the rest


def _bulk_rows(
    template: ProcessInstance, count: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    instances, timers = [], []
    later = datetime(2027, 3, 1, tzinfo=LOCAL_TZ)
    for index in range(count):
        instance_id = str(uuid.uuid4())
        instances.append(
            {
                "id": instance_id,
                "model_key": template.model_key,
                "version_id": template.version_id,
                "business_key": None,
                "status": "running",
                "business_status": None,
                "state": {"filler": True},
                "completed_elements": [],
                "active_elements": ["wait"],
                "revision": 1,
                "started_by": "bench",
                "started_at": CREATED,
                "updated_at": CREATED,
                "ended_at": None,
            }
        )
        timers.append(
            {
                "instance_id": instance_id,
                "task_id": str(uuid.uuid4()),
                "element_id": "wait",
                "business_key": None,
                "kind": "date",
                "due_at": later + timedelta(minutes=index % 10_000),
                "status": TIMER_PENDING,
                "attempts": 0,
                "retry_at": None,
                "last_error": None,
                "fired_count": 0,
                "created_at": CREATED,
                "updated_at": CREATED,
            }
        )
    return instances, timers


def main() -> None:
    print(f"\n== Timers: {TOTAL:,} pending, {DUE:,} due — find and fire on PostgreSQL")
    if not postgres_available():
        print("  skipped (no PostgreSQL at 127.0.0.1:5432)")
        return
    with scratch_database("postgresql", "timers") as settings:
        services = build_services(settings, clock=FrozenClock(CREATED))
        with services.db.transaction() as session:
            deploy_source(
                session,
                source=FIXTURE.read_bytes(),
                filename=FIXTURE.name,
                actor="bench",
                roles=ROLES,
                now=CREATED,
            )
        started = time.perf_counter()
        for _ in range(DUE):
            services.runtime.execute(
                StartInstance(
                    "timer_probe", Actor("bench"), data={"rule": "SIGN", "start_at": CREATED.isoformat()}
                )
            )
        print(f"  {DUE:,} instances started through the runtime in {time.perf_counter() - started:.1f} s")
        with services.db.transaction() as session:
            template = session.scalars(select(ProcessInstance).limit(1)).one()
            instances, timers = _bulk_rows(template, TOTAL - DUE)
            started = time.perf_counter()
            for offset in range(0, len(instances), 5_000):
                session.execute(insert(ProcessInstance), instances[offset : offset + 5_000])
                session.execute(insert(Timer), timers[offset : offset + 5_000])
        with services.db.engine.connect() as connection:
            connection.execute(text("ANALYZE timer"))
            connection.commit()
        print(
            f"  {TOTAL - DUE:,} further pending timers bulk-inserted in {time.perf_counter() - started:.1f} s"
        )

        statement = select(Timer).where(due_clause(SWEEP_AT)).order_by(Timer.due_at).limit(1)
        compiled = statement.with_for_update(skip_locked=True).compile(
            services.db.engine, compile_kwargs={"literal_binds": True}
        )
        with services.db.engine.connect() as connection:
            plan = connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
        print("  plan of the query that takes the next due timer:")
        for line in plan:
            print(f"    {line}")
        print(f"  index used: {'ix_timer_pending_due' in ' '.join(plan)}")

        started = time.perf_counter()
        result = TimerSweeper(services.runtime).sweep(as_of=SWEEP_AT)
        elapsed = time.perf_counter() - started
        print(
            f"  sweep fired {result.fired:,} timers in {elapsed:.2f} s "
            f"({elapsed / max(result.fired, 1) * 1000:.1f} ms per timer, each in its own transaction)"
        )
        with services.db.session() as session:
            left = session.scalar(select(Timer.id).where(due_clause(SWEEP_AT)).limit(1))
        print(f"  due timers left: {0 if left is None else 'some'}")
        services.db.dispose()
