"""Reception fixtures: the notice's school leaders as users (shared with the campaign tests)."""

from __future__ import annotations

import pytest

from tests.campaign.conftest import add_leaders
from tests.conftest import Harness


@pytest.fixture
def leaders(harness: Harness) -> Harness:
    add_leaders(harness)
    return harness
