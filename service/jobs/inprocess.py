"""The embedded worker: runs the periodic jobs on a daemon thread when no broker is configured."""

from __future__ import annotations

import logging
import threading
import time

from service.container import Services
from service.jobs.schedule import JOBS

log = logging.getLogger(__name__)


class InProcessWorker:
    def __init__(self, services: Services, *, tick_seconds: float = 5.0) -> None:
        self.services = services
        self.tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="petitionflow-worker", daemon=True)
        self._next_run = {job.name: 0.0 for job in JOBS}

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_due_jobs(self, monotonic_now: float) -> list[str]:
        ran = []
        for job in JOBS:
            if monotonic_now >= self._next_run[job.name]:
                self._next_run[job.name] = monotonic_now + job.every_seconds
                try:
                    result = job.run(self.services)
                    ran.append(job.name)
                    log.debug("job %s: %s", job.name, result)
                except Exception:
                    log.exception("periodic job %s failed", job.name)
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due_jobs(time.monotonic())
            self._stop.wait(self.tick_seconds)
