"""form submission keys: a form submitted twice adds its opportunity, key person, workshop idea
or classification once

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARENTS = {
    "opportunity": "account_id",
    "key_person": "account_id",
    "classification": "account_id",
    "workshop_idea": "workshop_id",
}
"""Each table that a form adds rows to, and the parent its submission keys are unique under."""


def upgrade() -> None:
    for table, parent in PARENTS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
            batch_op.create_unique_constraint(
                batch_op.f(f"uq_{table}_{parent}_submission_key"), [parent, "submission_key"]
            )


def downgrade() -> None:
    for table, parent in PARENTS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"uq_{table}_{parent}_submission_key"), type_="unique"
            )
            batch_op.drop_column("submission_key")
