"""workshop ideas made opportunities: the opportunity a chosen idea became

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 17:25:19
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workshop_idea", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opportunity_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_workshop_idea_opportunity_id_opportunity"),
            "opportunity",
            ["opportunity_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("workshop_idea", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_workshop_idea_opportunity_id_opportunity"), type_="foreignkey"
        )
        batch_op.drop_column("opportunity_id")
