"""teams conversation references; room for Teams conversation ids

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:04:23.827314
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_conversation_reference_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_reference")),
        sa.UniqueConstraint(
            "workspace_id",
            "conversation",
            name=op.f("uq_conversation_reference_workspace_id_conversation"),
        ),
    )
    with op.batch_alter_table("conversation_reference", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_reference_workspace_id_user_id",
            ["workspace_id", "user_id"],
            unique=False,
        )

    with op.batch_alter_table("channel_binding", schema=None) as batch_op:
        batch_op.alter_column(
            "channel",
            existing_type=sa.VARCHAR(length=64),
            type_=sa.String(length=255),
            existing_nullable=False,
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column(
            "dedupe_key",
            existing_type=sa.VARCHAR(length=160),
            type_=sa.String(length=400),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "target",
            existing_type=sa.VARCHAR(length=64),
            type_=sa.String(length=255),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column(
            "target",
            existing_type=sa.String(length=255),
            type_=sa.VARCHAR(length=64),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "dedupe_key",
            existing_type=sa.String(length=400),
            type_=sa.VARCHAR(length=160),
            existing_nullable=False,
        )

    with op.batch_alter_table("channel_binding", schema=None) as batch_op:
        batch_op.alter_column(
            "channel",
            existing_type=sa.String(length=255),
            type_=sa.VARCHAR(length=64),
            existing_nullable=False,
        )

    with op.batch_alter_table("conversation_reference", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_reference_workspace_id_user_id")

    op.drop_table("conversation_reference")
