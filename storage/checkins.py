"""Check-in queries: schedules, rounds, answers, away periods and people's time zones.

A round's prompts, nudges and summary are outbox rows written in the same transaction as the
change that calls for them, with dedupe keys per round and person, so nothing is asked twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    Account,
    Away,
    CheckinAnswer,
    CheckinMember,
    CheckinQuestion,
    CheckinRound,
    CheckinSchedule,
    OutboxMessage,
    PersonTimezone,
    TeamMember,
)

PROMPT, NUDGE, SUMMARY = "checkin-prompt", "checkin-nudge", "checkin-summary"


@dataclass(frozen=True)
class Asked:
    """A person a round asks, with their own deadline and nudge time."""

    user_id: str
    deadline_at: datetime
    nudge_at: datetime
    away: bool


@dataclass(frozen=True)
class RoundView:
    """A round with everything its messages show: who was asked, who answered what."""

    round: CheckinRound
    account: Account
    members: list[CheckinMember]
    answers: dict[str, CheckinAnswer]

    @property
    def team(self) -> set[str]:
        return {member.user_id for member in self.account.members}

    def expected(self) -> list[CheckinMember]:
        """Who still counts: asked, not away, and still on the account team."""
        team = self.team
        return [m for m in self.members if not m.away and m.user_id in team]

    def answered(self, user: str) -> bool:
        found = self.answers.get(user)
        return found is not None and found.submitted_at is not None


def set_schedule(engine: Engine, schedule: CheckinSchedule) -> None:
    """The account's one schedule, replaced."""
    with Session(engine) as session, session.begin():
        session.execute(delete(CheckinSchedule).filter_by(account_id=schedule.account_id))
        session.add(schedule)


def schedule_of(engine: Engine, account_id: int) -> CheckinSchedule | None:
    with Session(engine) as session:
        return session.get(CheckinSchedule, account_id)


def drop_schedule(engine: Engine, account_id: int) -> bool:
    """No more scheduled rounds; False when there was no schedule."""
    with Session(engine) as session, session.begin():
        result = session.execute(delete(CheckinSchedule).filter_by(account_id=account_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def due_schedules(engine: Engine, now: datetime) -> list[CheckinSchedule]:
    query = select(CheckinSchedule).where(CheckinSchedule.next_at <= now)
    with Session(engine) as session:
        return list(session.scalars(query.order_by(CheckinSchedule.account_id)))


def move_schedule(engine: Engine, account_id: int, was: datetime, to: datetime) -> None:
    """Advance the schedule past a round it opened; a second scheduler's move changes nothing."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(CheckinSchedule)
            .where(CheckinSchedule.account_id == account_id, CheckinSchedule.next_at == was)
            .values(next_at=to)
        )


def questions(engine: Engine, account_id: int) -> list[str]:
    """The account's own written questions, in order; empty means the defaults."""
    query = select(CheckinQuestion.text).filter_by(account_id=account_id)
    with Session(engine) as session:
        return list(session.scalars(query.order_by(CheckinQuestion.position)))


def set_questions(engine: Engine, account_id: int, texts: list[str]) -> None:
    with Session(engine) as session, session.begin():
        session.execute(delete(CheckinQuestion).filter_by(account_id=account_id))
        session.add_all(
            CheckinQuestion(account_id=account_id, position=n, text=text)
            for n, text in enumerate(texts)
        )


def open_round(engine: Engine, new: CheckinRound, asked: list[Asked]) -> CheckinRound | None:
    """Open a round and queue one prompt per person not away, together.

    None when the account already has an open round, or this scheduled round was opened already.
    """
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            session.add(new)
            session.flush()
            for person in asked:
                session.add(
                    CheckinMember(
                        round_id=new.id,
                        user_id=person.user_id,
                        deadline_at=person.deadline_at,
                        nudge_at=person.nudge_at,
                        away=person.away,
                        nudged=False,
                    )
                )
                if not person.away:
                    _queue(session, new, PROMPT, person.user_id, new.opened_at)
    except IntegrityError:
        return None
    return new


def open_round_id(engine: Engine, account_id: int) -> int | None:
    query = select(CheckinRound.id).where(
        CheckinRound.account_id == account_id, CheckinRound.closed_at.is_(None)
    )
    with Session(engine) as session:
        return session.scalar(query)


def round_view(engine: Engine, round_id: int) -> RoundView | None:
    """The round, its account with team and channels, its members and answers."""
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(CheckinRound, round_id)
        if found is None:
            return None
        account = session.scalars(
            select(Account)
            .where(Account.id == found.account_id)
            .options(selectinload(Account.members), selectinload(Account.channels))
        ).one()
        order = {member.user_id: n for n, member in enumerate(account.members)}
        members = sorted(
            session.scalars(select(CheckinMember).filter_by(round_id=round_id)),
            key=lambda member: (order.get(member.user_id, len(order)), member.user_id),
        )
        answers = session.scalars(select(CheckinAnswer).filter_by(round_id=round_id))
        return RoundView(found, account, members, {a.user_id: a for a in answers})


def record_pulse(engine: Engine, round_id: int, user: str, pulse: str, now: datetime) -> bool:
    """The pulse from a button; a second click changes it, never adds an answer.

    False when the round is closed.
    """
    return _upsert(engine, round_id, user, now, {"pulse": pulse})


def submit_answer(
    engine: Engine, round_id: int, user: str, pulse: str, answers: list[str], now: datetime
) -> bool:
    """The form's answers, new or edited; False when the round is closed."""
    values = {"pulse": pulse, "answers": answers, "submitted_at": now}
    return _upsert(engine, round_id, user, now, values)


def _upsert(
    engine: Engine, round_id: int, user: str, now: datetime, values: dict[str, Any]
) -> bool:
    """One row per person and round, whatever the number of clicks or submissions.

    The write comes first, so SQLite takes its write lock at once (waiting its turn) rather than
    failing to upgrade a read lock; a closed round rolls it back.
    """
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    row = {"round_id": round_id, "user_id": user, "answers": [], "updated_at": now, **values}
    statement = insert(CheckinAnswer).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=["round_id", "user_id"], set_={**values, "updated_at": now}
    )
    with Session(engine) as session, session.begin():
        session.execute(statement)
        closed = session.scalar(select(CheckinRound.closed_at).where(CheckinRound.id == round_id))
        if closed is not None:
            session.rollback()
            return False
    return True


def close_round(engine: Engine, round_id: int, by: str, now: datetime) -> bool:
    """Close an open round; the next tick queues its summary. False when it was closed already."""
    return bool(_close(engine, by, now, CheckinRound.id == round_id))


def close_if_answered(engine: Engine, round_id: int, by: str, now: datetime) -> bool:
    """Close the round when everyone still expected has answered; True when this closed it."""
    return bool(_close(engine, by, now, CheckinRound.id == round_id, _everyone_answered()))


def close_due(engine: Engine, by: str, now: datetime) -> int:
    """Close, in one statement, every open round past its deadline or fully answered."""
    return _close(engine, by, now, or_(CheckinRound.deadline_at <= now, _everyone_answered()))


def _close(engine: Engine, by: str, now: datetime, *which: ColumnElement[bool]) -> int:
    with Session(engine) as session, session.begin():
        result = session.execute(
            update(CheckinRound)
            .where(CheckinRound.closed_at.is_(None), *which)
            .values(closed_at=now, closed_by=by)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _everyone_answered() -> ColumnElement[bool]:
    """No one in the round is still awaited."""
    return ~exists().where(CheckinMember.round_id == CheckinRound.id, _waiting())


def _waiting() -> ColumnElement[bool]:
    """This member is awaited: not away, still on the team, no submitted answer yet."""
    answered = (
        exists()
        .where(
            CheckinAnswer.round_id == CheckinMember.round_id,
            CheckinAnswer.user_id == CheckinMember.user_id,
            CheckinAnswer.submitted_at.is_not(None),
        )
        .correlate_except(CheckinAnswer)
    )
    on_team = (
        exists()
        .where(
            TeamMember.account_id == CheckinRound.account_id,
            TeamMember.user_id == CheckinMember.user_id,
        )
        .correlate_except(TeamMember)
    )
    return CheckinMember.away.is_(False) & on_team & ~answered


def queue_nudges(engine: Engine, now: datetime) -> int:
    """Nudge, once, each person whose nudge time came and who has neither answered nor left."""
    awaited_in_open_round = exists().where(
        CheckinRound.id == CheckinMember.round_id, CheckinRound.closed_at.is_(None), _waiting()
    )
    due = (
        update(CheckinMember)
        .where(
            CheckinMember.nudge_at <= now,
            CheckinMember.nudged.is_(False),
            awaited_in_open_round,
        )
        .values(nudged=True)
        .returning(CheckinMember.round_id, CheckinMember.user_id)
    )
    with Session(engine) as session, session.begin():
        marked = session.execute(due).all()
        for round_id, user in marked:
            _queue(session, session.get_one(CheckinRound, round_id), NUDGE, user, now)
        return len(marked)


def queue_summaries(engine: Engine, now: datetime) -> int:
    """Queue the channel summary of every closed round that has none yet."""
    due = (
        update(CheckinRound)
        .where(CheckinRound.closed_at.is_not(None), CheckinRound.summary_queued.is_(False))
        .values(summary_queued=True)
        .returning(CheckinRound.id)
    )
    with Session(engine) as session, session.begin():
        closed = list(session.scalars(due))
        for round_id in closed:
            done = session.get_one(CheckinRound, round_id)
            account = session.get_one(Account, done.account_id)
            if account.channels:
                _queue(session, done, SUMMARY, account.channels[0].channel, now)
        return len(closed)


def recent_rounds(engine: Engine, account_id: int, limit: int) -> list[int]:
    """The newest rounds' ids first."""
    query = (
        select(CheckinRound.id)
        .where(CheckinRound.account_id == account_id)
        .order_by(CheckinRound.opened_at.desc(), CheckinRound.id.desc())
        .limit(limit)
    )
    with Session(engine) as session:
        return list(session.scalars(query))


def previous_round(engine: Engine, account_id: int, before: int) -> int | None:
    query = select(func.max(CheckinRound.id)).where(
        CheckinRound.account_id == account_id, CheckinRound.id < before
    )
    with Session(engine) as session:
        return session.scalar(query)


def summary_message(engine: Engine, round_id: int) -> tuple[str, str] | None:
    """Where the round's summary was posted and the platform's id of it, once it was."""
    query = (
        select(OutboxMessage.target, OutboxMessage.message_id)
        .where(
            OutboxMessage.topic == SUMMARY,
            OutboxMessage.body == str(round_id),
            OutboxMessage.state == "sent",
            OutboxMessage.message_id.is_not(None),
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    with Session(engine) as session:
        found = session.execute(query).first()
    return (found.target, str(found.message_id)) if found is not None else None


def answers_since(engine: Engine, account_id: int, since: datetime | None) -> list[CheckinAnswer]:
    """Submitted answers of the account's rounds opened after `since`, oldest first."""
    query = (
        select(CheckinAnswer)
        .join(CheckinRound, CheckinRound.id == CheckinAnswer.round_id)
        .where(CheckinRound.account_id == account_id, CheckinAnswer.submitted_at.is_not(None))
    )
    if since is not None:
        query = query.where(CheckinRound.opened_at >= since)
    with Session(engine) as session:
        return list(session.scalars(query.order_by(CheckinRound.id, CheckinAnswer.id)))


def set_away(engine: Engine, workspace_id: int, user: str, until: date | None) -> None:
    """Away until a date, or back (`None`); open rounds skip or count the person at once."""
    with Session(engine) as session, session.begin():
        session.execute(delete(Away).filter_by(workspace_id=workspace_id, user_id=user))
        if until is not None:
            session.add(Away(workspace_id=workspace_id, user_id=user, until=until))
        open_in_workspace = select(CheckinRound.id).where(
            CheckinRound.workspace_id == workspace_id, CheckinRound.closed_at.is_(None)
        )
        session.execute(
            update(CheckinMember)
            .where(
                CheckinMember.user_id == user,
                CheckinMember.round_id.in_(open_in_workspace.scalar_subquery()),
            )
            .values(away=until is not None)
        )


def away_until(engine: Engine, workspace_id: int, users: Iterable[str]) -> dict[str, date]:
    query = select(Away.user_id, Away.until).where(
        Away.workspace_id == workspace_id, Away.user_id.in_(list(users))
    )
    with Session(engine) as session:
        return {user: until for user, until in session.execute(query)}


def note_timezone(engine: Engine, workspace_id: int, user: str, timezone: str) -> None:
    with Session(engine) as session, session.begin():
        session.execute(delete(PersonTimezone).filter_by(workspace_id=workspace_id, user_id=user))
        session.add(PersonTimezone(workspace_id=workspace_id, user_id=user, timezone=timezone))


def timezones(engine: Engine, workspace_id: int, users: Iterable[str]) -> dict[str, str]:
    query = select(PersonTimezone.user_id, PersonTimezone.timezone).where(
        PersonTimezone.workspace_id == workspace_id, PersonTimezone.user_id.in_(list(users))
    )
    with Session(engine) as session:
        return {user: zone for user, zone in session.execute(query)}


def _queue(session: Session, about: CheckinRound, topic: str, target: str, now: datetime) -> None:
    """An outbox row in the caller's transaction; the key makes it once per round and target."""
    session.add(
        OutboxMessage(
            dedupe_key=f"{topic}:{about.id}:{target}",
            workspace_id=about.workspace_id,
            account_id=about.account_id,
            target=target,
            to_user=topic != SUMMARY,
            topic=topic,
            body=str(about.id),
            next_attempt_at=now,
            created_at=now,
        )
    )
