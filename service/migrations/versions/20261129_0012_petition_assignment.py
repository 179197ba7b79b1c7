"""交办 items: the assigning body and the days it set for the result report (D12); whether a
co-handling request is open

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("petition", sa.Column("assigned_by", sa.String(length=100), nullable=True))
    op.add_column("petition", sa.Column("report_days", sa.Integer(), nullable=True))
    op.add_column(
        "petition", sa.Column("co_request_open", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_column("co_request_open")
        batch_op.drop_column("report_days")
        batch_op.drop_column("assigned_by")
