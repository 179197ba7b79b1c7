"""Language and time on the pages: zh-CN first with an English switch (Flask-Babel), Asia/Shanghai.

Templates use Chinese message ids, so the Chinese pages need no catalog and read naturally in the
source; `translations/en` carries the English. The .po file is the source of truth; the compiled
.mo is built from it when missing or stale (it is not kept in git).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_babel import Babel

from service.clock import LOCAL_TZ

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_Hans_CN"


def configure(app: Flask) -> None:
    compile_catalogs(TRANSLATIONS)
    app.config.update(
        BABEL_DEFAULT_LOCALE=DEFAULT_LANGUAGE,
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS),
    )
    Babel(app, locale_selector=current_language)
    app.jinja_env.filters["localtime"] = local_time
    app.jinja_env.filters["localdate"] = local_date
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language


def current_language() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def local_date(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d") if moment else ""


def compile_catalogs(directory: Path) -> None:
    """Write messages.mo beside every messages.po that is newer than it (or has none)."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source)
        temporary = mo_path.with_name(f"messages.mo.{os.getpid()}.tmp")
        with temporary.open("wb") as target:
            write_mo(target, catalog)
        temporary.replace(mo_path)
