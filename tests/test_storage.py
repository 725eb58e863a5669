"""The store on SQLite and PostgreSQL: uniqueness rules, idempotent submissions, workspace scope."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.db import make_engine
from storage.store import AlreadyExists, NewActionItem, NewMeeting, Store
from tests.conftest import NOW

DAY = date(2026, 11, 20)


def _meeting(kind: str = "tactical", held_on: date = DAY, **extra: Any) -> NewMeeting:
    return NewMeeting(kind=kind, held_on=held_on, logged_by="U1", logged_at=NOW, **extra)


def test_a_workspace_is_created_once(store: Store) -> None:
    first = store.workspace_id("slack", "T1", NOW)
    assert Store(store.engine).workspace_id("slack", "T1", NOW) == first
    assert store.workspace_id("slack", "T2", NOW) != first


def test_a_channel_belongs_to_one_account(store: Store) -> None:
    workspace = store.workspace_id("slack", "T1", NOW)
    store.create_account(workspace, "C1", "Acme", "U1", "UTC", NOW)
    with pytest.raises(AlreadyExists):
        store.create_account(workspace, "C1", "Globex", "U1", "UTC", NOW)
    assert store.account_named(workspace, "globex") is None


def test_channels_are_scoped_by_workspace(store: Store) -> None:
    ours = store.workspace_id("slack", "T1", NOW)
    theirs = store.workspace_id("slack", "T2", NOW)
    store.create_account(ours, "C1", "Acme", "U1", "UTC", NOW)
    assert store.account_for_channel(theirs, "C1") is None
    found = store.account_for_channel(ours, "C1")
    assert found is not None and [m.user_id for m in found.members] == ["U1"]


def test_team_members_are_added_changed_and_removed(store: Store) -> None:
    workspace = store.workspace_id("slack", "T1", NOW)
    account = store.create_account(workspace, "C1", "Acme", "U1", "UTC", NOW)
    assert store.set_member(account.id, "U2", "sales", "U1", NOW) is True
    assert store.set_member(account.id, "U2", "delivery", "U1", NOW) is False
    found = store.account_for_channel(workspace, "C1")
    assert found is not None
    assert [(m.user_id, m.role) for m in found.members] == [("U1", "kam"), ("U2", "delivery")]
    assert store.remove_member(account.id, "U2") is True
    assert store.remove_member(account.id, "U2") is False


def test_a_submission_key_logs_one_meeting(store: Store) -> None:
    workspace = store.workspace_id("slack", "T1", NOW)
    account = store.create_account(workspace, "C1", "Acme", "U1", "UTC", NOW)
    new = _meeting(
        attendees=("U1", "U2", "U1"),
        action_items=(NewActionItem("Send offer", "<@U2>", date(2026, 12, 1)),),
        submission_key="k1",
    )
    first = store.log_meeting(workspace, account.id, new).meeting
    repeated = store.log_meeting(workspace, account.id, new)
    again = repeated.meeting
    assert repeated.created is False
    assert again.id == first.id
    assert [a.user_id for a in again.attendees] == ["U1", "U2"]
    assert [(i.text, i.owner, i.due) for i in again.action_items] == [
        ("Send offer", "<@U2>", date(2026, 12, 1))
    ]
    assert len(store.meetings(account.id, None, 10)) == 1


def test_meetings_come_newest_first_and_last_held_is_per_kind(store: Store) -> None:
    workspace = store.workspace_id("slack", "T1", NOW)
    account = store.create_account(workspace, "C1", "Acme", "U1", "UTC", NOW)
    day = date(2026, 11, 1)
    for offset, kind in enumerate(["strategic", "tactical", "tactical", "internal"]):
        store.log_meeting(workspace, account.id, _meeting(kind, day + timedelta(days=offset)))
    listed = store.meetings(account.id, None, 3)
    assert [(m.kind, m.held_on.day) for m in listed] == [
        ("internal", 4),
        ("tactical", 3),
        ("tactical", 2),
    ]
    assert [m.held_on.day for m in store.meetings(account.id, "tactical", 10)] == [3, 2]
    assert store.last_held(account.id) == {
        "strategic": date(2026, 11, 1),
        "tactical": date(2026, 11, 3),
        "internal": date(2026, 11, 4),
    }


def test_on_sqlite_a_writer_that_read_first_waits_for_another_instead_of_failing(
    tmp_path: Path,
) -> None:
    """A KPI saved while the scheduler's tick writes once failed with "database is locked"."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kam.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tally (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO tally VALUES (0)")
    committed = threading.Event()

    def other_writer() -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE tally SET n = n + 1")
        committed.set()

    other = threading.Thread(target=other_writer)
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT n FROM tally").scalar()
        other.start()
        committed.wait(0.5)  # a deferred transaction lets the other commit here, then fails
        connection.exec_driver_sql("UPDATE tally SET n = n + 10")
    other.join()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT n FROM tally").scalar() == 11
    engine.dispose()
