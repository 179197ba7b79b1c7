"""Source-governance analytics over a synthetic year on PostgreSQL: the metrics and the hot issues
for a month and for the year, the precision/recall of recovering the planted problems, and the
query plans of the metrics (which indexes they use).

The petitions are written with bulk INSERTs (service/governance/bulk.py), NOT through the runtime:
100,000 petitions through the engine would take hours and measure the engine, not the analytics.
`BENCH_GOVERNANCE_COUNT` changes the size (default 100000).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, text

from bench.common import postgres_available, scratch_database
from service.clock import LOCAL_TZ
from service.container import build_services
from service.governance import metrics
from service.governance.evaluation import evaluate
from service.governance.hot_issues import find_hot_issues
from service.governance.periods import Period, month_of, year_of
from service.governance.synth import load_synthetic

NOW = datetime(2026, 1, 15, 9, tzinfo=LOCAL_TZ)
QUERIES = ("received (intake)", "closed (办结)", "dispatched (签收)", "supervised (督办)")


def _timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _plans(engine: Any, run: Callable[[], Any]) -> list[tuple[str, list[str]]]:
    """EXPLAIN every SELECT the metrics run: the plan lines that scan tables (index or sequential)."""
    captured: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    plans = []
    with engine.connect() as connection:
        for statement, parameters in captured:
            cursor = connection.connection.cursor()
            cursor.execute("EXPLAIN " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
            scans = [
                ln.strip().lstrip("-> ").strip()
                for ln in lines
                if " Scan " in ln or ln.strip().startswith("Seq Scan")
            ]
            plans.append(scans)
    return list(zip(QUERIES, plans, strict=False))


def run(count: int) -> None:
    print(f"\n== source governance: {count:,} synthetic petitions over 2025 on PostgreSQL ==")
    with scratch_database("postgresql", "governance") as settings:
        services = build_services(settings)
        started = time.perf_counter()
        data = load_synthetic(services.db, count=count, year=2025, now=NOW, seed=2025)
        elapsed = time.perf_counter() - started
        rate = count / elapsed
        print(f"bulk insert (segmenting every text with jieba): {elapsed:.1f} s ({rate:,.0f} petitions/s)")
        with services.db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        for label, period in (("month 2025-10", month_of(date(2025, 10, 1))), ("year 2025", year_of(2025))):
            _measure(services, data, label, period)
        with services.db.session() as session:
            period = month_of(date(2025, 10, 1))
            plans = _plans(services.db.engine, lambda: metrics.report(session, period, now=NOW))
        print("query plans of the month's metrics (scans only):")
        for name, scans in plans:
            print(f"  {name:<18} " + "; ".join(s.split("  (")[0] for s in scans[:4]))
        services.db.dispose()


def _measure(services: Any, data: Any, label: str, period: Period) -> None:
    with services.db.session() as session:
        metrics_time, report = _timed(lambda: metrics.report(session, period, now=NOW), 3)
        hot_time, issues = _timed(lambda: find_hot_issues(session, period, limit=30), 2)
    recovery = evaluate(issues, data, data.ids, period, min_size=5)
    totals = report["totals"]
    print(
        f"{label:<14} metrics {metrics_time * 1000:8.1f} ms   hot issues {hot_time * 1000:8.1f} ms   "
        f"registered {totals['registered']:,}  closed {totals['closed']:,}  "
        f"satisfaction {totals['satisfaction_rate']}  on time {totals['on_time_completion_rate']}"
    )
    print(
        f"{'':<14} hot issues: {recovery.reported} reported as hot, {recovery.true_positives} planted; "
        f"precision {recovery.precision:.2f}  recall {recovery.recall:.2f} "
        f"(planted active: {', '.join(recovery.planted_active) or '—'}; "
        f"recovered: {', '.join(recovery.recovered) or '—'})"
    )


def main() -> None:
    if not postgres_available():
        print("\n== source governance: SKIPPED (no PostgreSQL at 127.0.0.1:5432) ==")
        return
    run(int(os.environ.get("BENCH_GOVERNANCE_COUNT", "100000")))


if __name__ == "__main__":
    main()
