"""Account Development Workshops: ideas gathered from everyone who knows the customer, votes,
and the ideas chosen to become opportunities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import IdeaVote, Opportunity, Workshop, WorkshopIdea
from storage.submissions import add_once


@dataclass(frozen=True)
class NewIdea:
    text: str
    product_line: str = ""
    value: int | None = None
    contact: str = ""


@dataclass(frozen=True)
class Ranked:
    idea: WorkshopIdea
    votes: int


def open_workshop(engine: Engine, account_id: int) -> Workshop | None:
    query = select(Workshop).where(Workshop.account_id == account_id, Workshop.closed_at.is_(None))
    with Session(engine) as session:
        return session.scalar(query.order_by(Workshop.id.desc()).limit(1))


def start(engine: Engine, account_id: int, by: str, now: datetime) -> Workshop:
    workshop = Workshop(account_id=account_id, opened_by=by, opened_at=now)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.add(workshop)
    return workshop


def close(engine: Engine, workshop_id: int, now: datetime) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Workshop).where(Workshop.id == workshop_id).values(closed_at=now))


def add_idea(
    engine: Engine, workshop_id: int, new: NewIdea, by: str, now: datetime, key: str | None
) -> tuple[WorkshopIdea, bool]:
    """The new idea, or the one the form with submission `key` added before; whether it is new."""
    idea = WorkshopIdea(
        workshop_id=workshop_id,
        text=new.text,
        product_line=new.product_line,
        value=new.value,
        contact=new.contact,
        added_by=by,
        added_at=now,
        submission_key=key,
    )
    return add_once(engine, idea, {"workshop_id": workshop_id})


def idea(engine: Engine, account_id: int, idea_id: int) -> tuple[WorkshopIdea, Workshop] | None:
    """An idea of one of the account's workshops, with its workshop."""
    query = (
        select(WorkshopIdea, Workshop)
        .join(Workshop, Workshop.id == WorkshopIdea.workshop_id)
        .where(Workshop.account_id == account_id, WorkshopIdea.id == idea_id)
    )
    with Session(engine) as session:
        found = session.execute(query).first()
    return None if found is None else (found[0], found[1])


def toggle_vote(engine: Engine, idea_id: int, user: str) -> tuple[bool, int]:
    """A vote, or its removal when the person had voted; whether they vote now, and the count.

    Two quick clicks that both insert leave one vote: the second insert is refused.
    """
    voted = True
    try:
        with Session(engine) as session, session.begin():
            removed = session.execute(delete(IdeaVote).filter_by(idea_id=idea_id, user_id=user))
            voted = not removed.rowcount  # type: ignore[attr-defined]
            if voted:
                session.add(IdeaVote(idea_id=idea_id, user_id=user))
    except IntegrityError:
        pass
    return voted, votes(engine, idea_id)


def votes(engine: Engine, idea_id: int) -> int:
    query = select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea_id)
    with Session(engine) as session:
        return session.scalar(query) or 0


def ranked(engine: Engine, workshop_id: int) -> list[Ranked]:
    """The workshop's ideas, most votes first, then the higher estimated value, then oldest."""
    count = func.count(IdeaVote.user_id)
    query = (
        select(WorkshopIdea, count)
        .outerjoin(IdeaVote, IdeaVote.idea_id == WorkshopIdea.id)
        .where(WorkshopIdea.workshop_id == workshop_id)
        .group_by(WorkshopIdea.id)
        .order_by(count.desc(), func.coalesce(WorkshopIdea.value, 0).desc(), WorkshopIdea.id)
    )
    with Session(engine) as session:
        return [Ranked(row, n) for row, n in session.execute(query)]


def choose(engine: Engine, idea_id: int, owner: str, opportunity: Opportunity) -> tuple[int, bool]:
    """Make the idea the new `opportunity`, owned by `owner`; its opportunity's id, and whether
    it is the new one (False: the idea became an opportunity before, and nothing changed).

    The idea's row is locked first, so two quick submissions add one opportunity.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        query = select(WorkshopIdea).filter_by(id=idea_id).with_for_update()
        idea = session.scalars(query).one()
        if idea.opportunity_id is not None:
            return idea.opportunity_id, False
        session.add(opportunity)
        session.flush()
        idea.owner, idea.opportunity_id = owner, opportunity.id
        return opportunity.id, True
