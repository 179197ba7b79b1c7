"""merge domain branches

Revision ID: 0007
Revises: 0006, gov_0001, notif_0001
Create Date: 2026-11-29
"""
from __future__ import annotations

from collections.abc import Sequence


revision: str = '0007'
down_revision: str | Sequence[str] | None = ('0006', 'gov_0001', 'notif_0001')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
