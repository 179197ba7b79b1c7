"""The staff workbench and the public portal: server-rendered pages over the domain services.

Every URL prefix of the web side is mounted here, so this file is its URL table. Pages are thin:
they read through the domain services and change state only through them (the engine runtime is
the one writer of instance state). Security and language are wired in `security` and `i18n`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, url_for

from service.identity.roles import ROLE_LABELS
from service.petitions import access
from service.web import context, errors, i18n, navigation, security


def register_web(app: Flask) -> None:
    from service.web import (
        audit,
        auth,
        campaign,
        governance,
        models,
        petitions,
        portal,
        reception,
        reference,
        tasks,
    )
    from service.web.supervision import blp as supervision_blp

    security.configure(app)
    i18n.configure(app)
    web = Blueprint(
        "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/web"
    )
    web.register_blueprint(auth.blp)  # /, /login, /logout, /lang/<code>
    web.register_blueprint(tasks.blp)  # /work/tasks
    web.register_blueprint(petitions.blp)  # /work/petitions
    web.register_blueprint(models.blp)  # /work/models
    web.register_blueprint(audit.blp)  # /work/audit
    web.register_blueprint(portal.blp)  # /portal
    web.register_blueprint(campaign.blp)  # /work/campaigns
    web.register_blueprint(reception.blp)  # /work/reception (roster, sessions, cases)
    web.register_blueprint(governance.blp)  # /work/governance (源头治理看板, exports)
    web.register_blueprint(supervision_blp)  # /work/supervision (督办事项, 发起督办)
    web.register_blueprint(reference.blp)  # /work/admin/categories, /work/admin/departments (admin)
    security.protect(web)
    errors.install(web)
    errors.install_fallback(app)
    # Browsers ask for /favicon.ico whatever the page says.
    app.add_url_rule(
        "/favicon.ico", "favicon", lambda: redirect(url_for("web.static", filename="favicon.svg"))
    )
    web.context_processor(_page_globals)
    app.jinja_env.filters["code"] = _code
    app.register_blueprint(web)
    app.teardown_appcontext(context.close_session)


def _page_globals() -> dict[str, Any]:
    me = context.signed_in_user()
    return {
        "me": me,
        "role_labels": ROLE_LABELS,
        "my_pages": navigation.pages_for(me),
        "rule_title": _rule_title,
    }


def _code(code: str) -> str:
    """A tracking code as the signed-in person may see it (access.shown_code)."""
    return access.shown_code(context.viewer(), code) if context.signed_in_user() else code


def _rule_title(rule_id: str) -> str:
    """A deadline rule by its title (`D5` reads 办理期限（出具信访处理意见书）); unknown ids as they are."""
    rule = context.services().calendar.current().rules.get(rule_id)
    return rule.title if rule is not None else rule_id
