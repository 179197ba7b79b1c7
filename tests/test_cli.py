"""The `petitionflow` command against a scratch SQLite database, as an operator would use it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.cli import main
from service.config import Settings
from service.container import build_services
from service.identity.models import User

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("PETITIONFLOW_SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("PETITIONFLOW_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("PETITIONFLOW_ALLOW_TIME_TRAVEL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    assert main(["init"]) == 0
    return tmp_path


def test_init_deploys_and_is_idempotent_and_seeds_no_demo_accounts(
    scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "petition.bpmn: bpmn petition v1 (unchanged)" in out and "seeded" not in out
    assert _user_count() == 0  # a production `init` creates no accounts with a known password
    assert main(["init", "--demo"]) == 0
    assert "seeded 12 demo users" in capsys.readouterr().out
    assert _user_count() >= 11


def _user_count() -> int:
    services = build_services(Settings())
    try:
        with services.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(User)) or 0)
    finally:
        services.db.dispose()


def test_deploy_refuses_an_invalid_diagram_with_exit_2_and_the_reasons(
    scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = scratch / "broken.bpmn"
    broken.write_text(
        (ROOT / "processes" / "petition.bpmn")
        .read_text(encoding="utf-8")
        .replace('camunda:formKey="routing"', 'camunda:formKey="missing_form"'),
        encoding="utf-8",
    )
    assert main(["deploy", str(broken)]) == 2
    assert "routing: 未知的表单：missing_form" in capsys.readouterr().err
    assert main(["deploy", str(scratch / "nope.txt")]) == 2
    changed = scratch / "changed.bpmn"
    changed.write_text(
        (ROOT / "processes" / "petition.bpmn")
        .read_text(encoding="utf-8")
        .replace("审核甄别（研判）", "审核甄别"),
        encoding="utf-8",
    )
    assert main(["deploy", str(changed)]) == 0
    assert "bpmn petition v2 (deployed)" in capsys.readouterr().out


def test_users_add_reads_the_password_from_stdin(
    scratch: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert (
        main(["users", "add", "wang", "--role", "handler", "--department", "logistics", "--password-stdin"])
        == 0
    )
    assert "created user wang (handler)" in capsys.readouterr().out
    assert main(["users", "add", "li", "--role", "handler"]) == 1  # a handler needs a department
    assert "部门" in capsys.readouterr().err


def test_timers_run_refuses_time_travel_unless_allowed(
    scratch: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["timers", "run", "--as-of", "2030-01-01T00:00:00+08:00"]) == 2
    assert "PETITIONFLOW_ALLOW_TIME_TRAVEL" in capsys.readouterr().err
    monkeypatch.setenv("PETITIONFLOW_ALLOW_TIME_TRAVEL", "1")
    assert main(["timers", "run", "--as-of", "2030-01-01T00:00:00+08:00"]) == 0
    assert "timers fired" in capsys.readouterr().out
    assert main(["timers", "run", "--as-of", "yesterday"]) == 2


def test_audit_verify(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify"]) == 0
    assert "audit chain intact" in capsys.readouterr().out
