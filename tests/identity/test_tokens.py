"""Bearer tokens: the account behind a token is read again at least every RECHECK_SECONDS, and a
token's age is checked on every request."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import Unauthorized
from service.identity.models import User
from service.identity.service import TokenService
from tests.conftest import Harness


def _deactivate(harness: Harness, username: str) -> None:
    with harness.db.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        user.active = False


def _token(session: Session, tokens: TokenService, username: str) -> str:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return tokens.issue(user).access_token


def test_a_deactivated_account_is_refused_once_its_last_check_is_older_than_the_window(
    any_harness: Harness,
) -> None:
    moment = [100.0]
    tokens = TokenService("k", 3600, monotonic=lambda: moment[0])
    with any_harness.db.session() as session:
        token = _token(session, tokens, "assessor")
        assert tokens.resolve(token, lambda: session).username == "assessor"
    _deactivate(any_harness, "assessor")
    moment[0] += TokenService.RECHECK_SECONDS - 0.1
    with any_harness.db.session() as session:
        # the burst goes on from its last check
        assert tokens.resolve(token, lambda: session).role == "assessor"
    moment[0] += 0.1
    with any_harness.db.session() as session, pytest.raises(Unauthorized):
        tokens.resolve(token, lambda: session)
    with any_harness.db.session() as session, pytest.raises(Unauthorized):
        tokens.resolve(token, lambda: session)  # a refusal is not remembered as a pass


def test_each_request_gets_its_own_copy_of_the_user(harness: Harness) -> None:
    tokens = TokenService("k", 3600)
    with harness.db.session() as session:
        token = _token(session, tokens, "logistics_handler")
        first = tokens.resolve(token, lambda: session)
        first.role = "admin"
        assert tokens.resolve(token, lambda: session).role == "handler"


def test_the_api_refuses_a_revoked_token_after_the_window(harness: Harness) -> None:
    moment = [0.0]
    harness.services.tokens._monotonic = lambda: moment[0]
    api = harness.api
    assert api.get("/api/v1/tasks", user="academic_handler").status_code == 200
    _deactivate(harness, "academic_handler")
    moment[0] = TokenService.RECHECK_SECONDS
    response = api.get("/api/v1/tasks", user="academic_handler")
    assert response.status_code == 401 and "令牌无效" in response.get_json()["detail"]


def test_a_remembered_token_still_expires_on_time(harness: Harness) -> None:
    wall = [1_000_000.0]
    tokens = TokenService("k", 60, wall=lambda: wall[0])
    with harness.db.session() as session:
        token = _token(session, tokens, "assessor")
        assert tokens.resolve(token, lambda: session).username == "assessor"
        wall[0] = time.time() + 61  # the signature is remembered; its age is not
        with pytest.raises(Unauthorized, match="过期"):
            tokens.resolve(token, lambda: session)


def test_the_account_row_is_not_read_within_the_window(harness: Harness) -> None:
    tokens = TokenService("k", 3600)
    reads: list[int] = []
    with harness.db.session() as session:
        token = _token(session, tokens, "assessor")

        def reader() -> Session:
            reads.append(1)
            return session

        for _ in range(3):
            assert tokens.resolve(token, reader).username == "assessor"
    assert len(reads) == 1
