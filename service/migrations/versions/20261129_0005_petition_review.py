"""petition review (复查/复核)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "petition_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("requested_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_via", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("review_body", sa.String(length=200), nullable=True),
        sa.Column("hearing_days", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("decided_at", service.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], name=op.f("fk_petition_review_petition_id_petition")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_review")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_petition_review_instance_id")),
    )
    with op.batch_alter_table("petition_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_review_petition_id"), ["petition_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("petition_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_review_petition_id"))
    op.drop_table("petition_review")
