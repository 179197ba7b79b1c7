"""Users, departments, passwords and bearer tokens."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.audit import chain
from service.audit.chain import PendingEvent
from service.db import table_of
from service.engine.commands import Actor
from service.errors import Conflict, Invalid, NotFound, Unauthorized
from service.identity.models import Department, User
from service.identity.roles import AUDITOR, DEPARTMENT_ROLES, ROLE_LABELS, ROLES, candidate_groups

# scrypt (memory-hard) through werkzeug; the parameters are stored in each hash, so they can grow.
PASSWORD_METHOD = "scrypt:32768:8:1"  # noqa: S105 - a KDF name, not a password
_DUMMY_HASH = generate_password_hash("not-a-password", method=PASSWORD_METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    password: str,
    department: str | None = None,
    display_name: str | None = None,
    actor: str = "system",
    now: datetime,
) -> User:
    errors: dict[str, str] = {}
    if role not in ROLES:
        errors["role"] = f"未知角色，可选：{', '.join(sorted(ROLES))}"
    if department is not None and session.get(Department, department) is None:
        errors["department"] = f"未知部门：{department}"
    if role in DEPARTMENT_ROLES and department is None:
        errors["department"] = f"{ROLE_LABELS.get(role, role)}必须属于一个部门"
    if not username or len(username) > 60:
        errors["username"] = "用户名不能为空且不超过 60 个字符"
    if len(password) < 4:
        errors["password"] = "密码至少 4 个字符"  # noqa: S105 - a message, not a password
    if errors:
        raise Invalid("用户信息有误", errors=errors)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        department_code=department,
        password_hash=hash_password(password),
        active=True,
        token_generation=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    chain.append(
        session,
        [
            PendingEvent(
                actor=actor,
                action="user.created",
                data={"username": username, "role": role, "department": department},
            )
        ],
        at=now,
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # same cost whether or not the user exists
        raise Unauthorized("用户名或密码错误")
    if not check_password_hash(user.password_hash, password):
        raise Unauthorized("用户名或密码错误")
    return user


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


class TokenService:
    """Signed, expiring bearer tokens bound to the user's token generation (so they can be revoked).

    Every request resolves its token. A token's signature is verified once and remembered, and its
    age is checked every time. The account row (active, role, department, generation) is read at
    most once per `RECHECK_SECONDS` for each user and generation, since a user's requests come in
    bursts (a page, its API calls, a form): a deactivated account or a revoked token stops working
    within that many seconds."""

    RECHECK_SECONDS = 5.0

    def __init__(
        self,
        secret_key: str,
        ttl_seconds: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="petitionflow-token")
        self.ttl_seconds = ttl_seconds
        self._monotonic, self._wall = monotonic, wall
        # token → (user id, generation, signed at); (user id, generation) → (read at, account row)
        self._verified: dict[str, tuple[object, object, float]] = {}
        self._checked: dict[tuple[object, object], tuple[float, dict[str, Any]]] = {}

    def issue(self, user: User) -> IssuedToken:
        token = self._serializer.dumps({"u": user.id, "g": user.token_generation})
        return IssuedToken(token, self.ttl_seconds)

    def resolve(self, token: str, reader: Callable[[], Session]) -> User:
        """The token's user; `reader` gives a read session, asked for only when the row is read."""
        user_id, generation, signed_at = self._verify(token)
        if self._wall() - signed_at > self.ttl_seconds:
            raise Unauthorized("登录已过期，请重新登录")
        key, now = (user_id, generation), self._monotonic()
        checked = self._checked.get(key)
        if checked is None or now - checked[0] >= self.RECHECK_SECONDS:
            checked = (now, self._account(reader(), *key))
            _remember(self._checked, key, checked)
        # A fresh detached User each time: nothing a request does to it reaches another request.
        return User(**checked[1])

    def _verify(self, token: str) -> tuple[object, object, float]:
        verified = self._verified.get(token)
        if verified is None:
            try:
                payload, signed_at = self._serializer.loads(
                    token, max_age=self.ttl_seconds, return_timestamp=True
                )
            except SignatureExpired as error:
                raise Unauthorized("登录已过期，请重新登录") from error
            except BadSignature as error:
                raise Unauthorized("令牌无效") from error
            verified = (payload.get("u"), payload.get("g"), signed_at.timestamp())
            _remember(self._verified, token, verified)
        return verified

    @staticmethod
    def _account(session: Session, user_id: object, generation: object) -> dict[str, Any]:
        # A plain Core read (the ORM's identity map and loading machinery would cost more than it).
        users = table_of(User)
        row = session.execute(select(users).where(users.c.id == user_id)).one_or_none()
        if row is None or not row.active or row.token_generation != generation:
            raise Unauthorized("令牌无效")
        return row._asdict()


_MAX_REMEMBERED = 4096


def _remember(memory: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memory) >= _MAX_REMEMBERED:  # a bound, not an eviction policy: start afresh
        memory.clear()
    memory[key] = value


def actor_for(user: User) -> Actor:
    return Actor(
        username=user.username,
        groups=candidate_groups(user.role, user.department_code),
        read_only=user.role == AUDITOR,
    )


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在")
    return user


def list_departments(session: Session, *, include_inactive: bool = False) -> Sequence[Department]:
    statement = select(Department).order_by(Department.sort_order, Department.code)
    if not include_inactive:
        statement = statement.where(Department.active.is_(True))
    return session.scalars(statement).all()


def display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(usernames)))
    return dict(rows.all())
