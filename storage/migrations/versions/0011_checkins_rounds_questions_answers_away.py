"""check-ins: schedules, questions, rounds, members, answers; away periods; time zones

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 16:51:13.108601
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "away",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_away_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away")),
        sa.UniqueConstraint("workspace_id", "user_id", name=op.f("uq_away_workspace_id_user_id")),
    )
    op.create_table(
        "person_timezone",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_person_timezone_workspace_id_workspace"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", name=op.f("pk_person_timezone")),
    )
    op.create_table(
        "checkin_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_checkin_question_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_question")),
        sa.UniqueConstraint(
            "account_id", "position", name=op.f("uq_checkin_question_account_id_position")
        ),
    )
    op.create_table(
        "checkin_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("summary_queued", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_checkin_round_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_checkin_round_workspace_id_workspace")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_round")),
        sa.UniqueConstraint(
            "account_id", "scheduled_for", name=op.f("uq_checkin_round_account_id_scheduled_for")
        ),
    )
    with op.batch_alter_table("checkin_round", schema=None) as batch_op:
        batch_op.create_index(
            "uq_checkin_round_open_account_id",
            ["account_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    op.create_table(
        "checkin_schedule",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.Date(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_checkin_schedule_account_id_account")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_checkin_schedule")),
    )
    with op.batch_alter_table("checkin_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_schedule_next_at"), ["next_at"], unique=False)

    op.create_table(
        "checkin_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("pulse", sa.String(length=8), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["checkin_round.id"],
            name=op.f("fk_checkin_answer_round_id_checkin_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_answer")),
        sa.UniqueConstraint("round_id", "user_id", name=op.f("uq_checkin_answer_round_id_user_id")),
    )
    op.create_table(
        "checkin_member",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nudge_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nudged", sa.Boolean(), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["checkin_round.id"],
            name=op.f("fk_checkin_member_round_id_checkin_round"),
        ),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_checkin_member")),
    )
    with op.batch_alter_table("checkin_member", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_member_pending_nudge_at",
            ["nudge_at"],
            unique=False,
            sqlite_where=sa.text("nudged = 0"),
            postgresql_where=sa.text("NOT nudged"),
        )


def downgrade() -> None:
    with op.batch_alter_table("checkin_member", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_checkin_member_pending_nudge_at",
            sqlite_where=sa.text("nudged = 0"),
            postgresql_where=sa.text("NOT nudged"),
        )

    op.drop_table("checkin_member")
    op.drop_table("checkin_answer")
    with op.batch_alter_table("checkin_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_schedule_next_at"))

    op.drop_table("checkin_schedule")
    with op.batch_alter_table("checkin_round", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_checkin_round_open_account_id",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    op.drop_table("checkin_round")
    op.drop_table("checkin_question")
    op.drop_table("person_timezone")
    op.drop_table("away")
