from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import fields

from service.api.context import services, session
from service.api.schemas import BaseSchema
from service.identity.service import authenticate
from service.ratelimit import EXTENSION_KEY, limit_sign_in

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与令牌")


class Credentials(BaseSchema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenSchema(BaseSchema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Dict()


@blp.route("/token", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(Credentials)
@blp.response(200, TokenSchema)
def issue_token(credentials: dict[str, str]) -> dict[str, Any]:
    """A bearer token for a username and password; failures are limited per client and username
    (429 with Retry-After), sharing the login page's budget."""
    username, password = credentials["username"], credentials["password"]
    user = limit_sign_in(
        current_app.extensions[EXTENSION_KEY],
        client=request.remote_addr or "unknown",
        username=username,
        attempt=lambda: authenticate(session(), username, password),
    )
    token = services().tokens.issue(user)
    return {
        "access_token": token.access_token,
        "token_type": "Bearer",
        "expires_in": token.expires_in,
        "user": {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "department": user.department_code,
        },
    }
