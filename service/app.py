"""create_app(): the Flask application around the service container."""

from __future__ import annotations

from flask import Flask

from service.config import Settings
from service.container import Services, build_services


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    from service.api import register_api

    settings = settings or (services.settings if services else Settings())
    services = services or build_services(settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["petitionflow"] = services
    register_api(app)
    return app
