"""Every periodic job in one list. Each job is a thin call into a domain service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.container import Services
from service.engine.sweeper import TimerSweeper
from service.governance.snapshots import take_due_snapshots
from service.notifications.reminders import ReminderSettings, send_reminders
from service.petitions.criticism import criticise_overdue
from service.petitions.supervision import supervise_overdue


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    run: Callable[[Services], Any]


def _sweep_timers(services: Services) -> Any:
    return TimerSweeper(services.runtime).sweep().as_dict()


def _supervise_overdue(services: Services) -> Any:
    return {"supervisions_started": supervise_overdue(services.runtime)}


def _criticise_overdue(services: Services) -> Any:
    return {"criticisms_issued": criticise_overdue(services.runtime)}


def _send_reminders(services: Services) -> Any:
    run = send_reminders(
        services.db,
        clock=services.clock,
        calendar=services.calendar.current(),
        settings=ReminderSettings.from_env(),
    )
    return run.as_dict()


def _governance_snapshots(services: Services) -> Any:
    return {"snapshots_taken": take_due_snapshots(services.db, services.clock)}


JOBS: list[PeriodicJob] = [
    PeriodicJob("sweep-timers", 30, _sweep_timers),
    PeriodicJob("supervise-overdue", 300, _supervise_overdue),
    PeriodicJob("criticise-overdue", 3600, _criticise_overdue),
    PeriodicJob("send-reminders", 600, _send_reminders),
    PeriodicJob("governance-snapshots", 3600, _governance_snapshots),  # last complete week and month, once
]


def job_named(name: str) -> PeriodicJob:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
