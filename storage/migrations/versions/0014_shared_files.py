"""shared files: a Teams reply's files, served by the bot behind an unguessable link for 7 days

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 19:16:09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_file",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=128), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_shared_file_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_shared_file")),
    )
    with op.batch_alter_table("shared_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shared_file_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shared_file_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("shared_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shared_file_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_shared_file_expires_at"))

    op.drop_table("shared_file")
