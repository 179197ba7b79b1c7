"""Reception fixtures: the notice's school leaders as users (shared with the campaign tests)."""

from __future__ import annotations

import pytest

from tests.campaign.conftest import add_leaders
from tests.conftest import Harness


@pytest.fixture
def leaders(harness: Harness) -> Harness:
    add_leaders(harness)
    return harness


@pytest.fixture
def any_leaders(any_harness: Harness) -> Harness:
    """The same, on SQLite and on PostgreSQL."""
    add_leaders(any_harness)
    return any_harness
