"""supervision

Revision ID: 0004
Revises: cal_0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db

revision: str = "0004"
down_revision: str | Sequence[str] | None = "cal_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supervision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("overdue_task_id", sa.String(length=36), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=True),
        sa.Column("started_by", sa.String(length=60), nullable=False),
        sa.Column("started_at", service.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", service.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", service.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"], name=op.f("fk_supervision_petition_id_petition")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_supervision_instance_id")),
    )
    with op.batch_alter_table("supervision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_petition_id"), ["petition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervision_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supervision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_status"))
        batch_op.drop_index(batch_op.f("ix_supervision_petition_id"))
    op.drop_table("supervision")
