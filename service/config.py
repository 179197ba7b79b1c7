"""Settings from the environment, with the embedded defaults that make `make run` work alone."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PETITIONFLOW_VAR_DIR", PROJECT_ROOT / "var"))


def _default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'petitionflow.sqlite3'}"


def _secret_key() -> str:
    """The signing key for tokens and the key the reporter's ID number is encrypted with.

    Production sets PETITIONFLOW_SECRET_KEY. The embedded mode keeps a random key in var/ so that a
    restart does not log everybody out; the key is never part of the repository.
    """
    from_env = os.environ.get("PETITIONFLOW_SECRET_KEY")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: os.environ.get("DATABASE_URL") or _default_database_url()
    )
    broker_url: str | None = field(default_factory=lambda: os.environ.get("CELERY_BROKER_URL") or None)
    secret_key: str = field(default_factory=_secret_key)
    processes_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("PETITIONFLOW_PROCESSES", PROJECT_ROOT / "processes"))
    )
    forms_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("PETITIONFLOW_FORMS", PROJECT_ROOT / "forms"))
    )
    token_ttl_seconds: int = field(
        default_factory=lambda: int(os.environ.get("PETITIONFLOW_TOKEN_TTL", "28800"))
    )
    allow_time_travel: bool = field(
        default_factory=lambda: os.environ.get("PETITIONFLOW_ALLOW_TIME_TRAVEL") == "1"
    )
    public_rate_limit: int = field(
        default_factory=lambda: int(os.environ.get("PETITIONFLOW_PUBLIC_RATE_LIMIT", "20"))
    )
    timezone: str = "Asia/Shanghai"
