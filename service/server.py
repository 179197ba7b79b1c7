"""Serving: waitress for HTTP plus the in-process worker when no broker is configured."""

from __future__ import annotations

import gc
import logging

from waitress import serve as waitress_serve

from service.app import create_app
from service.config import Settings
from service.container import build_services
from service.jobs.inprocess import InProcessWorker

log = logging.getLogger(__name__)


def freeze_startup_heap() -> None:
    """Move everything built at start-up (specs, mappers, dictionaries) out of the collector's way.

    The process keeps large long-lived heaps; without this, collections triggered by per-request
    allocations keep walking them (measured: a few ms per task completion)."""
    gc.collect()
    gc.freeze()


def serve(*, port: int, host: str = "127.0.0.1") -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # SpiffWorkflow logs every task state change at INFO; the audit trail already records what matters.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    settings = Settings()
    services = build_services(settings)
    app = create_app(settings, services=services)
    services.runtime.warm_specs()
    freeze_startup_heap()
    worker = None
    if not settings.broker_url:
        worker = InProcessWorker(services)
        worker.start()
    mode = "celery via " + settings.broker_url if settings.broker_url else "in-process worker"
    print(
        f"PetitionFlow serving on http://{host}:{port}  (database: {services.db.dialect}; {mode})", flush=True
    )
    try:
        waitress_serve(app, host=host, port=port, threads=8, ident="PetitionFlow")
    finally:
        if worker is not None:
            worker.stop()
    return 0
