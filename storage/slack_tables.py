"""slack-sdk's installation and OAuth state tables, owned by our migrations.

The one storage module that knows slack-sdk: its stores build these tables themselves, and we
build the same ones here so that Alembic creates them and `kam-bot db check` compares them. The
secret columns are wider than slack-sdk's, because they hold Fernet ciphertext.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Text

INSTALLATIONS = "slack_installations"
BOTS = "slack_bots"
OAUTH_STATES = "slack_oauth_states"
SECRET_COLUMNS = {
    INSTALLATIONS: (
        "bot_token",
        "bot_refresh_token",
        "user_token",
        "user_refresh_token",
        "incoming_webhook_url",
    ),
    BOTS: ("bot_token", "bot_refresh_token"),
}
"""Credentials: stored encrypted, never in plaintext."""

metadata = MetaData()
installations = SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS)
bots = SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS)
oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, OAUTH_STATES)
for _table in (installations, bots):
    for _name in SECRET_COLUMNS[_table.name]:
        _table.c[_name].type = Text()
