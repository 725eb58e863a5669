"""reminders, snoozes, replan requests, cadence overrides, plan revisions, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 15:06:37.485283
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cadence_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_cadence_override_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadence_override")),
        sa.UniqueConstraint("account_id", "kind", name=op.f("uq_cadence_override_account_id_kind")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("to_user", sa.Boolean(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("maybe_sent", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_outbox_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_outbox_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            "ix_outbox_state_next_attempt_at", ["state", "next_attempt_at"], unique=False
        )

    op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("revised_by", sa.String(length=64), nullable=False),
        sa.Column("revised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_plan_revision_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revision")),
    )
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_revision_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "reminder_snooze",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_reminder_snooze_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_snooze")),
        sa.UniqueConstraint(
            "account_id",
            "subject",
            "due_on",
            name=op.f("uq_reminder_snooze_account_id_subject_due_on"),
        ),
    )
    op.create_table(
        "reminder_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notify_kam", sa.Boolean(), nullable=False),
        sa.Column("queued", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_reminder_step_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_step")),
        sa.UniqueConstraint(
            "account_id",
            "subject",
            "due_on",
            "on_day",
            name=op.f("uq_reminder_step_account_id_subject_due_on_on_day"),
        ),
    )
    with op.batch_alter_table("reminder_step", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reminder_step_open_send_at",
            ["send_at"],
            unique=False,
            sqlite_where=sa.text("queued = 0"),
            postgresql_where=sa.text("NOT queued"),
        )

    op.create_table(
        "replan_request",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_replan_request_account_id_account")
        ),
        sa.PrimaryKeyConstraint("account_id", "subject", name=op.f("pk_replan_request")),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("paused_reason", sa.Text(), nullable=True))

    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("budget_month", sa.Integer(), server_default="9", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        batch_op.drop_column("budget_month")

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("paused_reason")
        batch_op.drop_column("country")

    op.drop_table("replan_request")
    with op.batch_alter_table("reminder_step", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_reminder_step_open_send_at",
            sqlite_where=sa.text("queued = 0"),
            postgresql_where=sa.text("NOT queued"),
        )

    op.drop_table("reminder_step")
    op.drop_table("reminder_snooze")
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_revision_account_id"))

    op.drop_table("plan_revision")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_state_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_outbox_account_id"))

    op.drop_table("outbox")
    op.drop_table("cadence_override")
