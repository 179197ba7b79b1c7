"""create_app(): the Flask application around the service container."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Map, ValidationError

from service.config import Settings
from service.container import Services, build_services
from service.db import MAX_ID
from service.ratelimit import EXTENSION_KEY, RateLimiter


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number past MAX_ID names no row, so it is a 404 (whatever the
    method: werkzeug alone would answer 405 where a GET rule shares the path) instead of a number
    the database cannot hold reaching a query."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)  # also the OpenAPI parameter's maximum
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound from None


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
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its rules
    app.extensions["petitionflow"] = services
    # One limiter for every page and endpoint without login (public API, portal, login form).
    public_limit = settings.public_rate_limit
    app.extensions[EXTENSION_KEY] = RateLimiter(lambda: public_limit)
    register_api(app)
    register_web(app)
    return app
