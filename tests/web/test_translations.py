"""The English catalog covers every page: each message of the templates (the workbench, the portal,
and the governance, campaign and reception pages) and each vocabulary label a page passes through
_() has an English translation; the English pages read in English."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from service.campaign import vocabulary as campaign
from service.governance import vocabulary as governance
from service.governance.metrics import METRIC_LABELS
from service.petitions import review
from service.petitions import vocabulary as petitions
from service.petitions.vocabulary import NOTICE_LABELS
from service.reception import sessions
from service.reception.service import KIND_LABELS
from service.web import i18n
from service.web.present import DEADLINE_STATUSES
from tests.conftest import Harness, petition_body
from tests.web.support import WebClient

WEB = i18n.TRANSLATIONS.parent
TEMPLATES = [("**/templates/**.html", "jinja2"), ("**/governance_templates/**.html", "jinja2")]
# The vocabularies whose labels templates print with _(…).
LABELS: list[Mapping[str, str]] = [
    petitions.STATUSES,
    petitions.CHANNELS,
    petitions.REQUEST_TYPES,
    petitions.PETITIONER_KINDS,
    petitions.SUPERVISION_STATUSES,
    petitions.SUPERVISION_STAGES,
    petitions.REVIEW_VIA,
    petitions.SATISFACTION,
    NOTICE_LABELS["level"],
    NOTICE_LABELS["trigger"],
    NOTICE_LABELS["review_decision"],
    review.LEVEL_LABELS,
    DEADLINE_STATUSES,
    governance.ITEM_STATUSES,
    governance.DUPLICATE_STATUSES,
    METRIC_LABELS,
    campaign.PHASES,
    campaign.PHASE_STATUSES,
    campaign.CAMPAIGN_STATUSES,
    campaign.MEMBER_ROLES,
    campaign.MEMBER_DUTIES,
    sessions.KINDS,
    sessions.SESSION_STATUSES,
    sessions.APPOINTMENT_STATUSES,
    KIND_LABELS,
]


@pytest.fixture(scope="module")
def english() -> Catalog:
    with (i18n.TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source)


def _translated(catalog: Catalog, message: str, context: str | None = None) -> bool:
    found = catalog.get(message, context=context)
    if found is None:
        return False
    strings = found.string if isinstance(found.string, tuple) else (found.string,)
    return all(strings)


def test_every_template_message_has_an_english_translation(english: Catalog) -> None:
    missing = [
        f"{path}:{line} {message!r}"
        for path, line, message, _comments, context in extract_from_dir(WEB, TEMPLATES)
        if not _translated(english, message if isinstance(message, str) else message[0], context)
    ]
    assert not missing, "\n".join(missing)


def test_every_label_shown_through_gettext_has_an_english_translation(english: Catalog) -> None:
    missing = [label for labels in LABELS for label in labels.values() if not _translated(english, label)]
    assert not missing, missing


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/work/governance", ["Source governance dashboard", "Key figures", "Timely acceptance rate"]),
        ("/work/campaigns", ["Campaigns", "Start a campaign", "Planning phase", "Group leader"]),
        (
            "/work/reception/roster?month=2026-03",
            ["School leaders' reception duty roster", "Generate the roster"],
        ),
        (
            "/work/reception/sessions",
            ["Leaders' reception sessions", "Arrange a session", "Scheduled reception"],
        ),
        ("/work/reception/cases", ["My cases", "Assign a case leader"]),
    ],
)
def test_the_new_pages_read_in_english(web: WebClient, url: str, expected: list[str]) -> None:
    web.login("assessor")
    web.get(f"/lang/en?next={url}")
    html = web.text(url)
    for text in expected:
        assert text in html, text


def test_a_petition_reads_in_english_down_to_its_channel_type_and_status(
    web: WebClient, harness: Harness
) -> None:
    pid = harness.api.register(petition_body())["id"]
    web.login("assessor")
    web.get(f"/lang/en?next=/work/petitions/{pid}")
    html = web.text(f"/work/petitions/{pid}")
    for text in ("Letter", "Complaint", "Student"):
        assert text in html, text
    assert "来信" not in html and "投诉" not in html
