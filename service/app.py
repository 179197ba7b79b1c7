"""create_app(): the Flask application around the service container."""

from __future__ import annotations

from flask import Flask

from service.config import Settings
from service.container import Services, build_services
from service.ratelimit import EXTENSION_KEY, RateLimiter


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    from service.api import register_api
    from service.web import register_web

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
    # One limiter for every page and endpoint without login (public API, portal, login form).
    public_limit = settings.public_rate_limit
    app.extensions[EXTENSION_KEY] = RateLimiter(lambda: public_limit)
    register_api(app)
    register_web(app)
    return app
