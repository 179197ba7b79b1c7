from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import text

from service.api.context import services, session

blp = Blueprint("health", __name__, description="运行状态")


@blp.route("/healthz")
@blp.doc(security=[])
def healthz() -> tuple[dict[str, Any], int]:
    try:
        session().execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        database = "unavailable"
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "database_backend": services().db.dialect,
        "worker": "celery" if services().settings.broker_url else "in-process",
    }
    return body, 200 if database == "ok" else 503
