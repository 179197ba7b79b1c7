"""Session cookies, CSRF on every form, and the security headers every page carries."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Blueprint, Flask, Response, g, request
from flask_wtf.csrf import CSRFProtect

# No inline script or style anywhere: every script and stylesheet is a static file from this origin.
_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(_DIRECTIVES)
# The bpmn-js modeler (diagram-js and the properties panel) sets a few inline `style` attributes;
# only its page allows inline styles. Scripts stay 'self' only everywhere.
MODELER_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

csrf = CSRFProtect()


def configure(app: Flask) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="petitionflow_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("PETITIONFLOW_SECURE_COOKIES") == "1",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # The API authenticates with bearer tokens, not cookies; the web blueprints check CSRF
        # themselves (protect() below), so API clients are not asked for a form token.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
    )
    csrf.init_app(app)
    app.after_request(_headers)


def protect(blueprint: Blueprint) -> None:
    """Every state-changing request to `blueprint` (and its children) must carry the CSRF token."""

    @blueprint.before_request
    def _check_csrf() -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()


def _headers(response: Response) -> Response:
    policy = MODELER_POLICY if g.get("csp_inline_styles") else CONTENT_SECURITY_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def allow_inline_styles() -> None:
    """For this response only (the modeler page): permit inline style attributes, never scripts."""
    g.csp_inline_styles = True
