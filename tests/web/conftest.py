"""Fixtures for the web pages: a form-aware client for view tests, and a live server plus Debian's
chromium (driven by Playwright) for the browser tests.

The live server runs the real app on a free localhost port in a background thread, against its
own freshly migrated SQLite file, so it never shares the per-test rollback connection.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from service.app import create_app
from service.config import PROJECT_ROOT, Settings
from service.container import build_services
from tests.support import prepare_database
from tests.web.support import WebClient

CHROMIUM = os.environ.get("PETITIONFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DIST = PROJECT_ROOT / "service" / "web" / "static" / "dist"


@pytest.fixture
def web(harness: Any) -> WebClient:
    return WebClient(harness.api.client)


@dataclass
class LiveServer:
    url: str
    settings: Settings


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, settings_template: Settings
) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    settings = replace(settings_template, database_url=f"sqlite:///{path}", public_rate_limit=1000)
    prepare_database(settings.database_url, settings)
    services = build_services(settings)
    app = create_app(settings, services=services)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", settings)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        services.db.dispose()


def _browser_unavailable() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return f"chromium not installed at {CHROMIUM} (make install runs apt-get install chromium)"
    if not (DIST / "viewer.js").exists() or not (DIST / "modeler.js").exists():
        return "front-end bundles missing: run `make web` (npm ci + esbuild)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _browser_unavailable()
    if reason:
        print(f"SKIP browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A zh-CN browser page on the live server; fails the test on a CSP refusal in the console."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    folder = SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    return folder
