"""Helpers shared by the tests: database preparation and an API client that logs in as demo users."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from service import seed
from service.config import Settings
from service.container import Services, build_services
from service.engine.deployment import deploy_source
from service.identity.models import User
from service.identity.roles import ROLES
from service.migrations import upgrade

DEPLOY_ORDER = {".json": 0, ".dmn": 1, ".bpmn": 2}


def deployable_files(settings: Settings) -> list[Path]:
    files = [
        *settings.forms_dir.glob("*.json"),
        *settings.processes_dir.glob("*.dmn"),
        *settings.processes_dir.glob("*.bpmn"),
    ]
    return sorted(files, key=lambda p: (DEPLOY_ORDER[p.suffix], p.name))


def prepare_database(url: str, settings: Settings) -> None:
    """Migrate, seed reference data and demo users, and deploy every shipped process and form."""
    upgrade(url)
    services = build_services(settings)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with services.db.transaction() as session:
        seed.seed_reference_data(session)
        for path in deployable_files(settings):
            deploy_source(
                session, source=path.read_bytes(), filename=path.name, actor="test", roles=ROLES, now=now
            )
        seed.seed_demo_users(session, now)
    services.db.dispose()


class ApiClient:
    """The Flask test client with a bearer token per demo user (issued directly, without the KDF)."""

    def __init__(self, client: FlaskClient, services: Services) -> None:
        self.client = client
        self.services = services
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            with self.services.db.session() as session:
                user = session.scalar(select(User).where(User.username == username))
                assert user is not None, username
                self._tokens[username] = self.services.tokens.issue(user).access_token
        return self._tokens[username]

    def _headers(self, user: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"} if user else {}

    def get(self, url: str, *, user: str | None = None, **kwargs: Any) -> TestResponse:
        return self.client.get(url, headers=self._headers(user), **kwargs)

    def post(self, url: str, json: Any = None, *, user: str | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(url, json=json, headers=self._headers(user), **kwargs)

    # -- conveniences for scenarios ------------------------------------------------------------
    def register(self, body: dict[str, Any], user: str = "registrar") -> dict[str, Any]:
        response = self.post("/api/v1/petitions", body, user=user)
        assert response.status_code == 201, response.get_json()
        result: dict[str, Any] = response.get_json()
        return result

    def task(self, petition_id: int, name: str, user: str) -> dict[str, Any]:
        response = self.get(f"/api/v1/tasks?petition_id={petition_id}", user=user)
        assert response.status_code == 200, response.get_json()
        matching = [t for t in response.get_json()["items"] if t["name"] == name]
        assert matching, f"{user} has no open {name} task on petition {petition_id}: {response.get_json()}"
        task: dict[str, Any] = matching[0]
        return task

    def submit(self, petition_id: int, name: str, user: str, **data: Any) -> TestResponse:
        """Complete the petition's open `name` task with `data`, whatever the answer."""
        task = self.task(petition_id, name, user)
        return self.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}, user=user)

    def complete(self, petition_id: int, name: str, user: str, **data: Any) -> dict[str, Any]:
        response = self.submit(petition_id, name, user, **data)
        assert response.status_code == 200, response.get_json()
        result: dict[str, Any] = response.get_json()
        return result

    def petition(self, petition_id: int, user: str = "assessor") -> dict[str, Any]:
        response = self.get(f"/api/v1/petitions/{petition_id}", user=user)
        assert response.status_code == 200, response.get_json()
        result: dict[str, Any] = response.get_json()
        return result
