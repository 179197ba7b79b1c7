"""The HTTP API: every URL prefix is mounted here, so this file is the URL table."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from service.api import context, problems, spec


def register_api(app: Flask) -> None:
    from service.api import (
        analytics,
        auth,
        health,
        petitions,
        process_models,
        public,
        reviews,
        supervision,
        tasks,
        timers,
    )
    from service.api import audit as audit_api
    from service.api import calendar as calendar_api
    from service.api import campaign as campaign_api
    from service.api import documents as documents_api
    from service.api import governance as governance_api
    from service.api import notifications as notifications_api
    from service.api import reception as reception_api
    from service.api import reference as reference_api

    app.config.update(
        API_TITLE="PetitionFlow API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "信访事项与接诉即办：受理·研判·分流·联动·督办·反馈"},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = Api(app, spec_kwargs={"extra_plugins": [spec.AuthResponses()]})
    api.spec.components.schema("Problem", spec.PROBLEM_SCHEMA)
    api.register_blueprint(health.blp)  # /healthz
    api.register_blueprint(auth.blp)  # /api/v1/auth
    api.register_blueprint(petitions.blp)  # /api/v1/petitions
    api.register_blueprint(tasks.blp)  # /api/v1/tasks
    api.register_blueprint(process_models.blp)  # /api/v1/process-models, /api/v1/process-instances
    api.register_blueprint(public.blp)  # /api/v1/public
    api.register_blueprint(timers.blp)  # /api/v1/timers, /api/v1/incidents
    api.register_blueprint(supervision.blp)  # /api/v1/petitions/<id>/supervision, /api/v1/supervisions
    api.register_blueprint(reviews.blp)  # /api/v1/petitions/<id>/reviews
    api.register_blueprint(calendar_api.blp)  # /api/v1/calendar (days, years, rules)
    api.register_blueprint(audit_api.blp)  # /api/v1/audit (search, csv/xlsx export, verify)
    api.register_blueprint(notifications_api.blp)  # /api/v1/notifications (inbox, read, contact)
    api.register_blueprint(campaign_api.blp)  # /api/v1/campaigns (start, detail, dashboard)
    api.register_blueprint(reception_api.blp)  # /api/v1/reception (roster, sessions, cases, instructions)
    api.register_blueprint(
        analytics.blp
    )  # /api/v1/analytics (metrics, hot issues, snapshots, exports, report)
    api.register_blueprint(governance_api.blp)  # /api/v1/governance/items, /api/v1/petitions/<id>/duplicates
    api.register_blueprint(documents_api.blp)  # /api/v1/documents, petition and public notices, templates
    api.register_blueprint(reference_api.blp)  # /api/v1/categories, /api/v1/departments (admin edits)
    problems.install(app)
    app.before_request(context.authenticate_api_request)
    app.teardown_appcontext(context.close_session)
