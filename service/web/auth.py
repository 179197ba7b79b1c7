"""Signing in and out of the workbench, and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from service.errors import Unauthorized
from service.identity.service import authenticate
from service.web import context, i18n
from service.web.ratelimit import hit_client, sign_in

blp = Blueprint("auth", __name__)


def _safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never redirect a signed-in user to another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@blp.get("/")
def home() -> Response:
    if context.signed_in_user() is None:
        return redirect(url_for("web.portal.index"))
    return redirect(url_for("web.tasks.index"))


@blp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    next_url = _safe_next(request.values.get("next"), url_for("web.tasks.index"))
    if request.method == "GET":
        return render_template("login.html", next_url=next_url, error=None, username="")
    hit_client("login")
    username, password = request.form.get("username", "").strip(), request.form.get("password", "")
    try:
        user = sign_in(username, lambda: authenticate(context.db(), username, password))
    except Unauthorized as error:
        return render_template("login.html", next_url=next_url, error=error.detail, username=username), 401
    context.sign_in(user)
    return redirect(next_url)


@blp.post("/logout")
def logout() -> Response:
    context.sign_out()
    return redirect(url_for("web.auth.login"))


@blp.get("/lang/<code>")
def switch_language(code: str) -> Response:
    if code in i18n.LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next"), url_for("web.auth.home")))
