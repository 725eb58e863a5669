"""Key persons at the customer: who they are, how well we know them, when we last met them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import KeyPerson
from storage.submissions import Twin, once


class NameTaken(Exception):
    """Another key person of the account already has this name."""


@dataclass(frozen=True)
class NewPerson:
    """A key person as a handler validated it."""

    name: str
    title: str
    role: str
    strength: int
    target: int
    owner: str | None = None
    notes: str = ""


def add_person(
    engine: Engine, account_id: int, new: NewPerson, by: str, now: datetime, key: str | None = None
) -> tuple[bool, bool]:
    """Add a person, or update the one of that name (a removed one comes back): True if added.
    Then whether this is news: False when the form with submission `key` added them before."""

    def write(session: Session) -> bool:
        found = session.scalar(_named(account_id, new.name, removed_too=True))
        if found is not None and key is not None and found.submission_key == key:
            raise Twin(key)
        if found is not None:
            _fill(found, new)
            found.removed_at = None
            return False
        person = KeyPerson(
            account_id=account_id, added_by=by, added_at=now, submission_key=key, **_columns(new)
        )
        session.add(person)
        return True

    return once(engine, KeyPerson, {"account_id": account_id}, key, write, lambda _first: True)


def update_person(engine: Engine, person_id: int, new: NewPerson) -> None:
    """Change a person's details; `NameTaken` when renamed to someone else's name."""
    try:
        with Session(engine) as session, session.begin():
            _fill(session.get_one(KeyPerson, person_id), new)
    except IntegrityError as error:
        raise NameTaken(new.name) from error


def key_people(engine: Engine, account_id: int) -> list[KeyPerson]:
    query = (
        select(KeyPerson)
        .where(KeyPerson.account_id == account_id, KeyPerson.removed_at.is_(None))
        .order_by(func.lower(KeyPerson.name))
    )
    with Session(engine) as session:
        return list(session.scalars(query))


def person_named(engine: Engine, account_id: int, name: str) -> KeyPerson | None:
    with Session(engine) as session:
        return session.scalar(_named(account_id, name))


def person(engine: Engine, account_id: int, person_id: int) -> KeyPerson | None:
    query = select(KeyPerson).where(KeyPerson.account_id == account_id, KeyPerson.id == person_id)
    with Session(engine) as session:
        return session.scalar(query)


def set_removed(engine: Engine, person_id: int, at: datetime | None) -> None:
    """Remove a person (`at`), or bring them back (`None`) from the removal's undo."""
    with Session(engine) as session, session.begin():
        session.execute(update(KeyPerson).where(KeyPerson.id == person_id).values(removed_at=at))


def record_contact(session: Session, account_id: int, attendees: str, held_on: date) -> None:
    """Inside the meeting's transaction: key persons named among its customer attendees were
    met on `held_on` (names match case-insensitively, as whole words)."""
    if not attendees.strip():
        return
    rows = session.execute(
        select(KeyPerson.id, KeyPerson.name).where(
            KeyPerson.account_id == account_id, KeyPerson.removed_at.is_(None)
        )
    )
    met = [id_ for id_, name in rows if _mentions(attendees, name)]
    if met:
        session.execute(
            update(KeyPerson)
            .where(KeyPerson.id.in_(met))
            .where(KeyPerson.last_contact.is_(None) | (KeyPerson.last_contact < held_on))
            .values(last_contact=held_on)
        )


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def _named(account_id: int, name: str, *, removed_too: bool = False) -> Select[KeyPerson]:
    query = select(KeyPerson).where(
        KeyPerson.account_id == account_id, func.lower(KeyPerson.name) == name.lower()
    )
    return query if removed_too else query.where(KeyPerson.removed_at.is_(None))


def _columns(new: NewPerson) -> dict[str, object]:
    return {
        "name": new.name,
        "title": new.title,
        "role": new.role,
        "strength": new.strength,
        "target": new.target,
        "owner": new.owner,
        "notes": new.notes,
    }


def _fill(person: KeyPerson, new: NewPerson) -> None:
    for column, value in _columns(new).items():
        setattr(person, column, value)
