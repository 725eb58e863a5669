"""Installing kam-bot from Slack: the OAuth round trip, and tokens that never rest in plaintext."""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url

from storage import slack_tables
from storage.store import Store
from tests.slack_harness import ALICE, Slack, seen
from tests.slack_install import CLIENT_ID, KEY, install, token_of

NEW_TEAM = "T0NEW"


async def test_an_installed_workspace_is_answered_with_its_own_token(installable: Slack) -> None:
    done = await install(installable, NEW_TEAM, "New Co")
    assert done.status == 200
    assert "Thank you!" in await done.text()

    installable.team = NEW_TEAM
    answer = await installable.slash("/kam account create Acme Group", user=ALICE)
    assert "Acme Group" in seen(answer)
    await installable.slash("/kam log-meeting tactical", user=ALICE)
    await installable.opened_form()
    tokens = {call.token for call in installable.fake.calls if call.method != "oauth.v2.access"}
    assert tokens == {token_of(installable, NEW_TEAM)}


async def test_the_install_page_asks_for_the_manifests_scopes(installable: Slack) -> None:
    page = await (await installable.client.get("/slack/install")).text()
    assert f"client_id={CLIENT_ID}" in page
    assert "scope=commands,chat:write,chat:write.public,im:write,users:read," in page


async def test_a_forged_state_installs_nothing(installable: Slack, store: Store) -> None:
    code = installable.fake.approve(NEW_TEAM, "New Co")
    cookie = {"Cookie": "slack-app-oauth-state=forged"}
    forged = await installable.client.get(
        "/slack/oauth_redirect", params={"code": code, "state": "forged"}, headers=cookie
    )
    assert forged.status == 401
    assert installable.fake.delivered("oauth.v2.access") == []
    assert _rows(store.engine, slack_tables.bots) == []


async def test_a_workspace_that_never_installed_gets_no_answer_but_a_notice(
    installable: Slack,
) -> None:
    await install(installable, NEW_TEAM, "New Co")
    installable.team = "T0STRANGER"
    assert await installable.slash("/kam account create Acme Group") == {}
    notice = await installable.late_answer()
    assert "no longer available" in seen(notice)


async def test_the_raw_database_holds_no_token_in_plaintext(
    installable: Slack, store: Store
) -> None:
    await install(installable, NEW_TEAM, "New Co")
    token = token_of(installable, NEW_TEAM)
    [stored] = [row.bot_token for row in _rows(store.engine, slack_tables.bots)]
    assert Fernet(KEY.encode()).decrypt(stored.encode()).decode() == token

    assert NEW_TEAM in _raw(store.engine)  # the dump does see the installation
    assert token not in _raw(store.engine)
    assert token.split("-", 1)[1] not in _raw(store.engine)


def _rows(engine: Engine, table: object) -> list[object]:
    with engine.connect() as connection:
        return list(connection.execute(select(table)))  # type: ignore[call-overload]


def _raw(engine: Engine) -> str:
    """Everything the database keeps: SQLite's files byte for byte, or every row of every
    PostgreSQL table as text."""
    url = make_url(str(engine.url))
    if url.get_backend_name() == "sqlite":
        assert url.database
        files = [Path(url.database), Path(url.database + "-wal")]
        return "".join(f.read_bytes().decode("latin-1") for f in files if f.exists())
    with engine.connect() as connection:
        return "\n".join(
            str(row[0])
            for name in inspect(engine).get_table_names()
            for row in connection.execute(text(f'SELECT t::text FROM "{name}" AS t'))
        )
