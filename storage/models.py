"""SQLAlchemy models: every row hangs off a workspace, so no query needs to cross one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC instant on every database: SQLite hands datetimes back without a zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class MeetingKind(StrEnum):
    """The method's meeting kinds: three with the customer, one inside the account team."""

    STRATEGIC = "strategic"
    TACTICAL = "tactical"
    OPERATIONAL = "operational"
    INTERNAL = "internal"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AddedByForm:
    """A row a form adds: the form's `submission_key`, unique under the row's parent, makes a
    form submitted twice (a Teams card left on screen, a slow Slack modal) add it once."""

    submission_key: Mapped[str | None] = mapped_column(String(64))


class Workspace(Base):
    """A Slack team, a Teams tenant or the local console."""

    __tablename__ = "workspace"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    budget_month: Mapped[int] = mapped_column(default=9, server_default="9")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    """Set while the bot is uninstalled: no reminders are queued or delivered for it."""


class Account(Base):
    """A key account, run by its KAM from the channel(s) bound to it."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    kam: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    country: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """Set when the customer left: no reminders, nothing new recorded, history kept."""
    archived_by: Mapped[str | None] = mapped_column(String(64))

    channels: Mapped[list[ChannelBinding]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="TeamMember.id"
    )


class ChannelBinding(Base):
    """A channel that speaks for one account; a channel belongs to at most one account.

    `workspace_id` is the channel's own (a Teams channel linked to an account run from Slack
    carries its tenant), so reminders reach each channel through its own platform.
    """

    __tablename__ = "channel_binding"
    __table_args__ = (UniqueConstraint("workspace_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    channel: Mapped[str] = mapped_column(String(255))

    account: Mapped[Account] = relationship(back_populates="channels")


class LinkCode(Base):
    """A one-time code that joins a channel or a person on another platform to what issued it.

    Only a hash of the code is kept; it works once (`used_at`) and only until `expires_at`.
    `account_id` is set for a channel link, else the code links its issuer's identity.
    """

    __tablename__ = "link_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    user_id: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PersonLink(Base):
    """One person on two platforms: their id in `workspace_id` is also `other_user_id` in
    `other_workspace_id`. Each link is stored in both directions, so either side looks it up."""

    __tablename__ = "person_link"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", "other_workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    user_id: Mapped[str] = mapped_column(String(64))
    other_workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    other_user_id: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TeamMember(Base):
    """A person on the account team, with a role such as kam, sales or delivery."""

    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("account_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)

    account: Mapped[Account] = relationship(back_populates="members")


class Meeting(AddedByForm, Base):
    """A held meeting; `submission_key` makes a form submitted twice log it once."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("workspace_id", "submission_key"),
        Index("ix_meeting_account_kind_held_on", "account_id", "kind", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date)
    logged_by: Mapped[str] = mapped_column(String(64))
    logged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    customer_attendees: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")

    attendees: Mapped[list[MeetingAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingAttendee.position"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        cascade="all, delete-orphan", order_by="ActionItem.position"
    )


class MeetingAttendee(Base):
    """One of our people who attended."""

    __tablename__ = "meeting_attendee"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class ActionItem(Base):
    """A follow-up agreed in a meeting, with an optional owner and due date."""

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(64))
    due: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(default=False)


class CadenceOverride(Base):
    """An account's own rhythm for one meeting kind; `months` and `weeks` both 0 means off."""

    __tablename__ = "cadence_override"
    __table_args__ = (UniqueConstraint("account_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[str] = mapped_column(String(16))
    months: Mapped[int] = mapped_column(Integer)
    weeks: Mapped[int] = mapped_column(Integer)


class PlanRevision(Base):
    """A recorded revision of the account plan: who, when, a note, and the plan as it stood.

    `snapshot` is the JSON of every section's fields at that moment (`{}` for revisions recorded
    before the plan had sections), so any two revisions can be compared.
    """

    __tablename__ = "plan_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    revised_by: Mapped[str] = mapped_column(String(64))
    revised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")


class PlanSection(Base):
    """One section of an account plan as last edited: its fields as JSON, who and when."""

    __tablename__ = "plan_section"
    __table_args__ = (UniqueConstraint("account_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    section: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FrameworkAgreement(Base):
    """A framework agreement from the plan, kept as a row so its expiry can be reminded of."""

    __tablename__ = "framework_agreement"
    __table_args__ = (Index("ix_framework_agreement_ends_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    ends_on: Mapped[date] = mapped_column(Date)


class ReminderStep(Base):
    """One planned reminder of a due item (a meeting kind or the plan), precomputed by the rules.

    The sweep turns due steps into outbox rows with one set-based statement; `queued` marks the
    steps it has passed, so stale steps after downtime are skipped rather than sent.
    """

    __tablename__ = "reminder_step"
    __table_args__ = (
        UniqueConstraint("account_id", "subject", "due_on", "on_day"),
        Index(
            "ix_reminder_step_open_send_at",
            "send_at",
            sqlite_where=text("queued = 0"),
            postgresql_where=text("NOT queued"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    subject: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    on_day: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    send_at: Mapped[datetime] = mapped_column(UtcDateTime)
    notify_kam: Mapped[bool] = mapped_column(default=False)
    queued: Mapped[bool] = mapped_column(default=False)


class ReplanRequest(Base):
    """An item whose facts changed (a meeting was logged); the next tick replans it.

    Logging a meeting only writes this row, in the same transaction, so the request stays fast
    and a crash before the replan cannot leave a resolved item nagging.
    """

    __tablename__ = "replan_request"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(16), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReminderSnooze(Base):
    """Someone asked to hear about one due item again later; the cadence itself is unchanged."""

    __tablename__ = "reminder_snooze"
    __table_args__ = (UniqueConstraint("account_id", "subject", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    subject: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    until: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(64))


class OutboxMessage(Base):
    """A message the bot posts on its own; done only when the platform accepted it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(400), unique=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    target: Mapped[str] = mapped_column(String(255))
    to_user: Mapped[bool] = mapped_column(default=False)
    topic: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(16), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    step: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    maybe_sent: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ConversationReference(Base):
    """Where the bot may post on its own in Teams: the reference of a conversation it is in.

    `user_id` is set for a personal chat, so a message to a person finds their chat with the bot;
    `reference` is the platform's own JSON, opaque to everything but the adapter.
    """

    __tablename__ = "conversation_reference"
    __table_args__ = (
        UniqueConstraint("workspace_id", "conversation"),
        Index("ix_conversation_reference_workspace_id_user_id", "workspace_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    conversation: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class KeyPerson(AddedByForm, Base):
    """Someone at the customer who matters, and how strong our relationship with them is.

    `removed_at` keeps a removed person for the confirmation's undo; lists skip them.
    """

    __tablename__ = "key_person"
    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        UniqueConstraint("account_id", "submission_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(80), default="")
    role: Mapped[str] = mapped_column(String(32))
    strength: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    last_contact: Mapped[date | None] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Criterion(Base):
    """A workspace's own threshold and weight for one key-account criterion (else the default)."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    key: Mapped[str] = mapped_column(String(32))
    threshold: Mapped[int] = mapped_column(BigInteger)
    weight: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Classification(AddedByForm, Base):
    """The evidence an account was classified on, by whom and when, and the outcome."""

    __tablename__ = "classification"
    __table_args__ = (UniqueConstraint("account_id", "submission_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    evidence: Mapped[dict[str, int]] = mapped_column(JSON)
    score: Mapped[int] = mapped_column(Integer)
    key_account: Mapped[bool] = mapped_column()
    classified_by: Mapped[str] = mapped_column(String(64))
    classified_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Workshop(Base):
    """An Account Development Workshop: open while ideas are gathered, closed when ranked."""

    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WorkshopIdea(AddedByForm, Base):
    """An idea for new business; chosen, with an `owner`, it became the opportunity
    `opportunity_id`, so choosing it again finds that one instead of adding another."""

    __tablename__ = "workshop_idea"
    __table_args__ = (UniqueConstraint("workshop_id", "submission_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    product_line: Mapped[str] = mapped_column(String(80), default="")
    value: Mapped[int | None] = mapped_column(BigInteger)
    contact: Mapped[str] = mapped_column(String(80), default="")
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    owner: Mapped[str | None] = mapped_column(String(64))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id"))


class IdeaVote(Base):
    """One person's vote for one idea; clicking again removes the row."""

    __tablename__ = "idea_vote"

    idea_id: Mapped[int] = mapped_column(ForeignKey("workshop_idea.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class SeenDelivery(Base):
    """A delivery from a platform already acted on (an event id, a click, a submission), so a
    retry or a double click is acknowledged without acting twice."""

    __tablename__ = "seen_delivery"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class KpiValue(Base):
    """An account's KPI for one period (month, quarter or year); set again, it is updated."""

    __tablename__ = "kpi_value"
    __table_args__ = (UniqueConstraint("account_id", "metric", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    metric: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    actual: Mapped[float] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(8), default="")
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Opportunity(AddedByForm, Base):
    """A project or deal at the account, followed up until won or lost.

    `remind_at` is when it becomes stale (30 days without an update); NULL once it is closed, so
    the minute tick finds the stale ones with one indexed range query.
    """

    __tablename__ = "opportunity"
    __table_args__ = (
        Index("ix_opportunity_remind_at", "remind_at"),
        UniqueConstraint("account_id", "submission_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    value: Mapped[float | None] = mapped_column(Float)
    product_line: Mapped[str] = mapped_column(String(120), default="")
    decision_on: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(16))
    competitors: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_step_owner: Mapped[str | None] = mapped_column(String(64))
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CheckinSchedule(Base):
    """When an account's check-in rounds open: every `interval` weeks or months, on `weekday`
    (0 = Monday; the first one of the month for monthly) at `minute` of the day, local time."""

    __tablename__ = "checkin_schedule"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(8))
    interval: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[date] = mapped_column(Date)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    set_by: Mapped[str] = mapped_column(String(64))


class CheckinQuestion(Base):
    """An account's own written check-in question; none means the default two."""

    __tablename__ = "checkin_question"
    __table_args__ = (UniqueConstraint("account_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class CheckinRound(Base):
    """One check-in of the account team; `questions` are fixed when it opens.

    An account has at most one open round, and `scheduled_for` is unique per account, so two
    schedulers (or the KAM and the schedule) open a round once.
    """

    __tablename__ = "checkin_round"
    __table_args__ = (
        UniqueConstraint("account_id", "scheduled_for"),
        Index(
            "uq_checkin_round_open_account_id",
            "account_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    scheduled_for: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime)
    questions: Mapped[list[str]] = mapped_column(JSON)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    summary_queued: Mapped[bool] = mapped_column(default=False)


class CheckinMember(Base):
    """A team member asked in a round, with their own deadline and halfway nudge."""

    __tablename__ = "checkin_member"
    __table_args__ = (
        Index(
            "ix_checkin_member_pending_nudge_at",
            "nudge_at",
            sqlite_where=text("nudged = 0"),
            postgresql_where=text("NOT nudged"),
        ),
    )

    round_id: Mapped[int] = mapped_column(ForeignKey("checkin_round.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime)
    nudge_at: Mapped[datetime] = mapped_column(UtcDateTime)
    nudged: Mapped[bool] = mapped_column(default=False)
    away: Mapped[bool] = mapped_column(default=False)


class CheckinAnswer(Base):
    """A member's answer in a round: one row per person, updated in place until the round closes.

    `pulse` may come alone from a button; `submitted_at` is set once the form was sent.
    """

    __tablename__ = "checkin_answer"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("checkin_round.id"))
    user_id: Mapped[str] = mapped_column(String(64))
    pulse: Mapped[str | None] = mapped_column(String(8))
    answers: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Away(Base):
    """Someone is away until a date (inclusive) and skipped by check-ins meanwhile."""

    __tablename__ = "away"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    user_id: Mapped[str] = mapped_column(String(64))
    until: Mapped[date] = mapped_column(Date)


class PersonTimezone(Base):
    """A person's own time zone as their platform last told it, for their check-in deadline."""

    __tablename__ = "person_timezone"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))


class SharedFile(Base):
    """A reply's file that Teams fetches by link, since it shows no file sent inline: anyone
    with the unguessable token can open it until it expires (see `storage/shared_files.py`)."""

    __tablename__ = "shared_file"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(128))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
