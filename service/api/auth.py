from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields

from service.api.context import services, session
from service.api.schemas import BaseSchema
from service.identity.service import authenticate

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
    user = authenticate(session(), credentials["username"], credentials["password"])
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
