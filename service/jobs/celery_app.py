"""Celery for production: beat schedules JOBS, workers run them (acks late, one at a time)."""

from __future__ import annotations

import gc
from typing import Any

from celery import Celery

from service.config import Settings
from service.container import Services, build_services
from service.jobs.schedule import JOBS, job_named

_services: Services | None = None


def worker_services() -> Services:
    """Each worker process builds its services once, from the environment."""
    global _services  # noqa: PLW0603 - one container per worker process
    if _services is None:
        _services = build_services(Settings())
        _services.runtime.warm_specs()
        gc.collect()
        gc.freeze()  # keep start-up heaps (specs, mappers) out of every later collection
    return _services


def make_celery(settings: Settings) -> Celery:
    app = Celery("petitionflow", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        timezone="Asia/Shanghai",
        beat_schedule={
            job.name: {
                "task": "petitionflow.run_job",
                "schedule": float(job.every_seconds),
                "args": (job.name,),
            }
            for job in JOBS
        },
    )

    @app.task(name="petitionflow.run_job")  # type: ignore[untyped-decorator]
    def run_job(name: str) -> Any:
        return job_named(name).run(worker_services())

    return app


celery = make_celery(Settings())
