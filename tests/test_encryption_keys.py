"""KAM_ENCRYPTION_KEY: required once tokens are stored, rotated with `kam-bot
rotate-encryption-key`, and a clear refusal to start when the keys cannot read the tokens."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import select

from bot.cli import main
from bot.slack.installations import EncryptedInstallationStore
from storage import migrate, secrets, slack_tables
from storage.db import make_engine
from storage.store import Store

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
TOKEN = "xoxb-T0NEW-secret"


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A SQLite file that `kam-bot` finds through the environment, with one installation
    stored under the OLD key."""
    url = f"sqlite:///{tmp_path}/kam.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAM_DATABASE_URL", url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    store = EncryptedInstallationStore("1234.5678", engine, secrets.required(OLD))
    installation = Installation(
        app_id="A0KAM", team_id="T0NEW", user_id="U0INSTALLER", bot_token=TOKEN, bot_id="B0BOT"
    )
    asyncio.run(store.async_save(installation))
    return Store(engine)


def stored_tokens(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return [
            value
            for table in (slack_tables.installations, slack_tables.bots)
            for value in connection.scalars(select(table.c.bot_token))
        ]


def test_rotation_re_encrypts_every_token_with_the_newest_key(
    installed: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAM_ENCRYPTION_KEY", f"{NEW},{OLD}")
    main(["rotate-encryption-key"])
    assert "Re-encrypted 2 stored secret(s)" in capsys.readouterr().out
    newest = Fernet(NEW.encode())
    assert [newest.decrypt(value.encode()).decode() for value in stored_tokens(installed)] == [
        TOKEN,
        TOKEN,
    ]

    monkeypatch.setenv("KAM_ENCRYPTION_KEY", NEW)
    main(["tick", "--now", "2026-11-30T09:00:00Z"])  # starts: the new key alone reads them


def test_starting_without_a_key_while_tokens_are_stored_says_what_to_set(
    installed: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KAM_ENCRYPTION_KEY", raising=False)
    with pytest.raises(SystemExit, match="KAM_ENCRYPTION_KEY is not set"):
        main(["tick"])


def test_dropping_the_old_key_before_rotating_is_refused_at_start(
    installed: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAM_ENCRYPTION_KEY", NEW)
    with pytest.raises(SystemExit, match="cannot decrypt the stored Slack tokens"):
        main(["tick"])
    with pytest.raises(SystemExit, match="cannot decrypt"):
        main(["rotate-encryption-key"])
    assert stored_tokens(installed)[0] != TOKEN


def test_a_malformed_key_is_named(installed: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAM_ENCRYPTION_KEY", "not-a-fernet-key")
    with pytest.raises(SystemExit, match="must be Fernet keys"):
        main(["tick"])


def test_installing_from_slack_needs_a_key_even_before_any_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAM_DATABASE_URL", f"sqlite:///{tmp_path}/kam.sqlite3")
    monkeypatch.setenv("SLACK_CLIENT_ID", "1234.5678")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "kam-client-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "kam-test-signing-secret")
    monkeypatch.delenv("KAM_ENCRYPTION_KEY", raising=False)
    with pytest.raises(SystemExit, match="KAM_ENCRYPTION_KEY is not set"):
        main(["serve"])
