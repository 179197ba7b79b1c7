"""Serving: waitress for HTTP plus the in-process worker when no broker is configured."""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

from service.app import create_app
from service.config import Settings
from service.container import build_services

log = logging.getLogger(__name__)


def serve(*, port: int, host: str = "127.0.0.1") -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    services = build_services(settings)
    app = create_app(settings, services=services)
    print(f"PetitionFlow serving on http://{host}:{port}  (database: {services.db.dialect})", flush=True)
    waitress_serve(app, host=host, port=port, threads=8, ident="PetitionFlow")
    return 0
