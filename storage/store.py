"""The queries handlers need, named after what they do; one short transaction each."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, Engine, Select, bindparam, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload, sessionmaker
from sqlalchemy.sql.base import ExecutableOption

from storage.group_commit import GroupCommit
from storage.models import (
    Account,
    ActionItem,
    CadenceOverride,
    ChannelBinding,
    Meeting,
    MeetingAttendee,
    OutboxMessage,
    PlanRevision,
    TeamMember,
    Workspace,
)
from storage.people import record_contact
from storage.schedule import request_replan


@dataclass(frozen=True)
class PlanningFacts:
    """What the reminder rules need to know about one account."""

    account: Account
    budget_month: int
    last_held: dict[str, date]
    cadences: dict[str, tuple[int, int]]
    last_revision: date | None


@dataclass(frozen=True)
class Logged:
    """A logged meeting, whether this call created it, and what its kind's next due depends on."""

    meeting: Meeting
    created: bool
    last_held: date | None = None
    own_cadence: tuple[int, int] | None = None


class AlreadyExists(Exception):
    """The row would break a uniqueness rule (a bound channel, a taken account name)."""


@dataclass(frozen=True)
class NewActionItem:
    text: str
    owner: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class NewMeeting:
    """A meeting as a handler validated it, ready to store."""

    kind: str
    held_on: date
    logged_by: str
    logged_at: datetime
    attendees: tuple[str, ...] = ()
    customer_attendees: str = ""
    notes: str = ""
    decisions: str = ""
    action_items: tuple[NewActionItem, ...] = field(default_factory=tuple)
    submission_key: str | None = None


ACCOUNT_TTL = 2.0


class Store:
    """Domain operations over one database; every method is scoped to a workspace or account."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._workspace_ids: dict[tuple[str, str], int] = {}
        self._accounts: dict[tuple[int, str], tuple[float, Account | None]] = {}
        writer = threading.Lock()
        self._one_writer = writer if engine.dialect.name == "sqlite" else nullcontext()
        self._together = GroupCommit(self._session, writer)

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction; on SQLite, this process's writers queue here rather than
        sleep in SQLite's busy handler, which keeps latency even under load."""
        with self._one_writer, self._session.begin() as session:
            yield session

    @contextmanager
    def _changing_accounts(self) -> Iterator[Session]:
        """A write that changes what `account_for_channel` returns: the cache is dropped once
        the change is committed, so no reader keeps the state from before it for two seconds."""
        try:
            with self._writing() as session:
                yield session
        finally:
            self._accounts.clear()

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def workspace_id(self, platform: str, external_id: str, now: datetime) -> int:
        """The workspace's row id, created on first contact; cached, since ids never change."""
        key = (platform, external_id)
        if key not in self._workspace_ids:
            self._workspace_ids[key] = self._get_or_create_workspace(platform, external_id, now)
        return self._workspace_ids[key]

    def _get_or_create_workspace(self, platform: str, external_id: str, now: datetime) -> int:
        query = select(Workspace.id).filter_by(platform=platform, external_id=external_id)
        with self._session() as session:
            found = session.scalar(query)
        if found is not None:
            return found
        workspace = Workspace(platform=platform, external_id=external_id, created_at=now)
        try:
            with self._writing() as session:
                session.add(workspace)
        except IntegrityError:
            with self._session() as session:
                return session.scalars(query).one()
        return workspace.id

    def account_for_channel(self, workspace_id: int, channel: str) -> Account | None:
        """The account bound to a channel, with its team; cached for `ACCOUNT_TTL` seconds.

        Every command starts with this lookup. This process forgets the cache on its own writes;
        another replica's change to the team reaches it within `ACCOUNT_TTL`.
        """
        key, now = (workspace_id, channel), time.monotonic()
        cached = self._accounts.get(key)
        if cached is not None and now - cached[0] < ACCOUNT_TTL:
            return cached[1]
        found = self._account_for_channel(workspace_id, channel)
        self._accounts[key] = (now, found)
        return found

    def _account_for_channel(self, workspace_id: int, channel: str) -> Account | None:
        query = (
            select(Account)
            .join(ChannelBinding)
            .where(ChannelBinding.workspace_id == workspace_id, ChannelBinding.channel == channel)
            .options(joinedload(Account.members), contains_eager(Account.channels))
        )
        with self._session() as session:
            return session.scalars(query).unique().first()

    def create_account(
        self,
        workspace_id: int,
        channel: str,
        name: str,
        kam: str,
        timezone: str,
        now: datetime,
        language: str = "en",
    ) -> Account:
        """Create an account bound to `channel` with the KAM as its first team member."""
        account = Account(
            workspace_id=workspace_id,
            name=name,
            kam=kam,
            timezone=timezone,
            language=language,
            created_at=now,
        )
        account.channels.append(ChannelBinding(workspace_id=workspace_id, channel=channel))
        account.members.append(TeamMember(user_id=kam, role="kam", added_by=kam, added_at=now))
        try:
            with self._changing_accounts() as session:
                session.add(account)
        except IntegrityError as error:
            raise AlreadyExists(name) from error
        return account

    def bind_channel(self, account_id: int, workspace_id: int, channel: str) -> None:
        """Bind one more channel, of any platform's workspace, to an existing account."""
        try:
            with self._changing_accounts() as session:
                session.add(
                    ChannelBinding(
                        account_id=account_id, workspace_id=workspace_id, channel=channel
                    )
                )
        except IntegrityError as error:
            raise AlreadyExists(channel) from error

    def unbind_channel(self, account_id: int, workspace_id: int, channel: str) -> bool:
        """Unbind a channel unless it is the account's last one; True when it was unbound."""
        with self._changing_accounts() as session:
            query = select(ChannelBinding).filter_by(account_id=account_id)
            bindings = list(session.scalars(query))
            found = [b for b in bindings if (b.workspace_id, b.channel) == (workspace_id, channel)]
            if not found or len(bindings) == 1:
                return False
            session.delete(found[0])
            return True

    def account_channels(self, account_id: int) -> list[tuple[str, int, str]]:
        """The account's channels as (platform, workspace id, channel), oldest binding first."""
        query = (
            select(Workspace.platform, ChannelBinding.workspace_id, ChannelBinding.channel)
            .join(Workspace, Workspace.id == ChannelBinding.workspace_id)
            .where(ChannelBinding.account_id == account_id)
            .order_by(ChannelBinding.id)
        )
        with self._session() as session:
            return [(platform, ws, channel) for platform, ws, channel in session.execute(query)]

    def workspace_defaults(self, workspace_id: int) -> tuple[str | None, str | None]:
        """The time zone and language new accounts of the workspace start with, once chosen."""
        query = select(Workspace.timezone, Workspace.language).where(Workspace.id == workspace_id)
        with self._session() as session:
            zone, language = session.execute(query).one()
        return zone, language

    def adopt_default(self, workspace_id: int, setting: str, value: str) -> bool:
        """Make `value` the workspace's default `timezone` or `language` unless it has one;
        True when it was adopted."""
        column = {"timezone": Workspace.timezone, "language": Workspace.language}[setting]
        with self._writing() as session:
            result = session.execute(
                update(Workspace)
                .where(Workspace.id == workspace_id, column.is_(None))
                .values({column: value})
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def account_named(self, workspace_id: int, name: str) -> Account | None:
        query = select(Account).where(
            Account.workspace_id == workspace_id, func.lower(Account.name) == name.lower()
        )
        with self._session() as session:
            return session.scalar(query.options(selectinload(Account.channels)))

    def set_member(
        self, account_id: int, user_id: str, role: str, added_by: str, now: datetime
    ) -> bool:
        """Add a member or change their role; True when the person is new to the team."""
        with self._changing_accounts() as session:
            member = session.scalar(
                select(TeamMember).filter_by(account_id=account_id, user_id=user_id)
            )
            if member is not None:
                member.role = role
                return False
            session.add(
                TeamMember(
                    account_id=account_id,
                    user_id=user_id,
                    role=role,
                    added_by=added_by,
                    added_at=now,
                )
            )
            return True

    def remove_member(self, account_id: int, user_id: str) -> bool:
        """Remove a member; False when they were not on the team."""
        with self._changing_accounts() as session:
            member = session.scalar(
                select(TeamMember).filter_by(account_id=account_id, user_id=user_id)
            )
            if member is None:
                return False
            session.delete(member)
            return True

    def log_meeting(self, workspace_id: int, account_id: int, new: NewMeeting) -> Logged:
        """Store a meeting; a repeated `submission_key` returns the first one, not created.

        A key already used for another account's meeting raises `AlreadyExists`: a form's
        hidden state replayed in another channel learns nothing of that meeting.
        """
        meeting = Meeting(
            workspace_id=workspace_id,
            account_id=account_id,
            kind=new.kind,
            held_on=new.held_on,
            logged_by=new.logged_by,
            logged_at=new.logged_at,
            customer_attendees=new.customer_attendees,
            notes=new.notes,
            decisions=new.decisions,
            submission_key=new.submission_key,
            attendees=[
                MeetingAttendee(user_id=user, position=n)
                for n, user in enumerate(dict.fromkeys(new.attendees))
            ],
            action_items=[
                ActionItem(position=n, text=item.text, owner=item.owner, due=item.due)
                for n, item in enumerate(new.action_items)
            ],
        )

        def store(session: Session) -> Logged:
            session.add(meeting)
            session.flush()
            request_replan(session, account_id, new.kind, new.logged_at)
            record_contact(session, account_id, new.customer_attendees, new.held_on)
            return Logged(meeting, True, *_kind_facts(session, account_id, new.kind))

        try:
            return self._together.run(store)
        except IntegrityError:
            if new.submission_key is None:
                raise
            first = self._meeting_by_key(workspace_id, account_id, new.submission_key)
            if first is None:
                raise AlreadyExists(new.submission_key) from None
            return Logged(first, False)

    def meeting(self, account_id: int, meeting_id: int) -> Meeting | None:
        """One of the account's meetings, with attendees and action items."""
        query = select(Meeting).where(Meeting.account_id == account_id, Meeting.id == meeting_id)
        with self._session() as session:
            return session.scalar(query.options(*_meeting_details()))

    def remove_meeting(self, meeting: Meeting, now: datetime) -> None:
        """Delete a meeting logged by mistake; its kind is replanned from the one before it."""
        with self._writing() as session:
            session.delete(session.merge(meeting))
            request_replan(session, meeting.account_id, meeting.kind, now)

    def _meeting_by_key(self, workspace_id: int, account_id: int, key: str) -> Meeting | None:
        query = select(Meeting).filter_by(
            workspace_id=workspace_id, account_id=account_id, submission_key=key
        )
        with self._session() as session:
            return session.scalar(query.options(*_meeting_details()))

    def meetings(self, account_id: int, kind: str | None, limit: int) -> list[Meeting]:
        """The newest meetings first, optionally of one kind."""
        query = select(Meeting).where(Meeting.account_id == account_id)
        if kind is not None:
            query = query.where(Meeting.kind == kind)
        query = query.order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit)
        with self._session() as session:
            return list(session.scalars(query.options(*_meeting_details())))

    def last_held(self, account_id: int) -> dict[str, date]:
        """The date of the latest meeting of each kind held for the account."""
        query = (
            select(Meeting.kind, func.max(Meeting.held_on))
            .where(Meeting.account_id == account_id)
            .group_by(Meeting.kind)
        )
        with self._session() as session:
            return {kind: held for kind, held in session.execute(query)}

    def account(self, account_id: int) -> Account | None:
        """An account by id, with its team and channels."""
        query = select(Account).where(Account.id == account_id)
        with self._session() as session:
            return session.scalar(
                query.options(selectinload(Account.members), selectinload(Account.channels))
            )

    def planning_facts(self, account_id: int) -> PlanningFacts | None:
        """The account, its workspace's budget month, last meetings, cadences and revision."""
        with self._session() as session:
            found = session.execute(
                select(Account, Workspace.budget_month)
                .join(Workspace, Workspace.id == Account.workspace_id)
                .where(Account.id == account_id)
                .options(selectinload(Account.channels))
            ).first()
            if found is None:
                return None
            account, budget_month = found
            cadences = {
                row.kind: (row.months, row.weeks)
                for row in session.scalars(select(CadenceOverride).filter_by(account_id=account_id))
            }
            last_revision = session.scalar(
                select(func.max(PlanRevision.revised_at)).where(
                    PlanRevision.account_id == account_id
                )
            )
        return PlanningFacts(
            account=account,
            budget_month=budget_month,
            last_held=self.last_held(account_id),
            cadences=cadences,
            last_revision=last_revision.date() if last_revision else None,
        )

    def set_cadence(self, account_id: int, kind: str, months: int, weeks: int) -> None:
        """Override one kind's cadence; 0 months and 0 weeks turns its reminders off."""
        with self._writing() as session:
            row = session.scalar(
                select(CadenceOverride).filter_by(account_id=account_id, kind=kind)
            )
            if row is None:
                session.add(
                    CadenceOverride(account_id=account_id, kind=kind, months=months, weeks=weeks)
                )
            else:
                row.months, row.weeks = months, weeks

    def reset_cadence(self, account_id: int, kind: str) -> None:
        """Back to the default cadence for one kind."""
        with self._writing() as session:
            session.execute(delete(CadenceOverride).filter_by(account_id=account_id, kind=kind))

    def update_account(self, account_id: int, **changes: str | None) -> None:
        """Change account settings such as `timezone`, `country` or `paused_reason`."""
        with self._changing_accounts() as session:
            session.execute(update(Account).where(Account.id == account_id).values(**changes))

    def archive_account(self, account_id: int, by: str, at: datetime) -> int:
        """Archive an account and cancel what the outbox still holds for it (to its channels and
        its KAM); returns how many messages were cancelled. Its history stays."""
        with self._changing_accounts() as session:
            session.execute(
                update(Account)
                .where(Account.id == account_id)
                .values(archived_at=at, archived_by=by)
            )
            cancelled = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.account_id == account_id, OutboxMessage.state == "pending")
                .values(state="cancelled", last_error="account archived")
            )
            return int(cancelled.rowcount)  # type: ignore[attr-defined]

    def unarchive_account(self, account_id: int) -> None:
        with self._changing_accounts() as session:
            session.execute(
                update(Account)
                .where(Account.id == account_id)
                .values(archived_at=None, archived_by=None)
            )

    def set_budget_month(self, workspace_id: int, month: int) -> list[int]:
        """Set the workspace's budget month; returns its account ids, whose plans must move."""
        with self._writing() as session:
            session.execute(
                update(Workspace).where(Workspace.id == workspace_id).values(budget_month=month)
            )
            return list(session.scalars(select(Account.id).filter_by(workspace_id=workspace_id)))

    def budget_month(self, workspace_id: int) -> int:
        with self._session() as session:
            return session.scalars(
                select(Workspace.budget_month).where(Workspace.id == workspace_id)
            ).one()

    def account_ids(self) -> list[int]:
        """Every account that gets reminders, for a full replan."""
        with self._session() as session:
            return list(session.scalars(select(Account.id).order_by(Account.id)))


def _kind_facts_query() -> Select[Any]:
    """Built once: on the hot path, building the statement cost more than running it."""
    account: BindParameter[int] = bindparam("account_id")
    kind: BindParameter[str] = bindparam("kind")
    last = select(func.max(Meeting.held_on)).where(
        Meeting.account_id == account, Meeting.kind == kind
    )
    own = select(CadenceOverride).where(
        CadenceOverride.account_id == account, CadenceOverride.kind == kind
    )
    return select(
        last.scalar_subquery(),
        own.with_only_columns(CadenceOverride.months).scalar_subquery(),
        own.with_only_columns(CadenceOverride.weeks).scalar_subquery(),
    )


_KIND_FACTS = _kind_facts_query()


def _kind_facts(
    session: Session, account_id: int, kind: str
) -> tuple[date | None, tuple[int, int] | None]:
    """The last meeting of `kind` and the account's own cadence for it, in one round trip."""
    row = session.execute(_KIND_FACTS, {"account_id": account_id, "kind": kind}).one()
    held, months, weeks = row[0], row[1], row[2]
    return held, None if months is None or weeks is None else (months, weeks)


def _meeting_details() -> tuple[ExecutableOption, ...]:
    return (selectinload(Meeting.attendees), selectinload(Meeting.action_items))
