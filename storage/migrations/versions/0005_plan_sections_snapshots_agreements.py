"""plan sections, revision snapshots, framework agreements

The revisions recorded so far keep their who, when and note; their snapshot is `{}` (the plan
had no sections then), so the first revision with sections is compared against an empty plan.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snapshot", sa.Text(), server_default="{}", nullable=False))
    op.create_table(
        "plan_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_plan_section_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_section")),
        sa.UniqueConstraint(
            "account_id", "section", name=op.f("uq_plan_section_account_id_section")
        ),
    )
    op.create_table(
        "framework_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_framework_agreement_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_agreement")),
    )
    with op.batch_alter_table("framework_agreement", schema=None) as batch_op:
        batch_op.create_index("ix_framework_agreement_ends_on", ["ends_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_framework_agreement_account_id"), ["account_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("framework_agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_framework_agreement_account_id"))
        batch_op.drop_index("ix_framework_agreement_ends_on")
    op.drop_table("framework_agreement")
    op.drop_table("plan_section")
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.drop_column("snapshot")
