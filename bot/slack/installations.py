"""Slack installations on our database: slack-sdk's SQLAlchemy stores, with tokens encrypted.

slack-sdk's async SQLAlchemy stores want an async engine; ours is synchronous, so these wrap its
synchronous stores and run them off the event loop. The installation store seals every secret
before slack-sdk writes it and opens it after slack-sdk reads it: the database sees ciphertext.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from typing import TypeVar

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, select

from storage.secrets import Cipher
from storage.slack_tables import BOTS, INSTALLATIONS, OAUTH_STATES, SECRET_COLUMNS

log = logging.getLogger(__name__)

Sealable = TypeVar("Sealable", Installation, Bot)


class EncryptedInstallationStore(AsyncInstallationStore):
    """Bolt's installation store: slack-sdk's SQLAlchemy one, secrets encrypted at rest."""

    def __init__(self, client_id: str, engine: Engine, cipher: Cipher) -> None:
        self.store = SQLAlchemyInstallationStore(
            client_id, engine, bots_table_name=BOTS, installations_table_name=INSTALLATIONS
        )
        self.cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.store.save, self._sealed(installation))

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.store.save_bot, self._sealed(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if found is None else self._opened(found)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if found is None else self._opened(found)

    async def async_find_team_bot(self, team_id: str) -> Bot | None:
        """The bot of a workspace known only by its team id, as the outbox knows it: inside an
        Enterprise Grid org its installation is filed under the org's id too."""
        enterprise_id = await asyncio.to_thread(self._enterprise_of, team_id)
        return await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)

    def _enterprise_of(self, team_id: str) -> str | None:
        bots = self.store.bots
        query = (
            select(bots.c.enterprise_id)
            .where(bots.c.client_id == self.store.client_id, bots.c.team_id == team_id)
            .order_by(bots.c.installed_at.desc())
            .limit(1)
        )
        with self.store.engine.connect() as connection:
            return connection.scalar(query)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )

    def _sealed(self, entity: Sealable) -> Sealable:
        return _with_secrets(entity, self.cipher.encrypt)

    def _opened(self, entity: Sealable) -> Sealable:
        return _with_secrets(entity, self.cipher.decrypt)


def _with_secrets(entity: Sealable, change: Callable[[str], str]) -> Sealable:
    """A copy of `entity` with each of its secrets passed through `change`."""
    table = INSTALLATIONS if isinstance(entity, Installation) else BOTS
    changed = copy.copy(entity)
    for name in SECRET_COLUMNS[table]:
        value = getattr(entity, name)
        if value is not None:
            setattr(changed, name, change(value))
    return changed


class StateStore(AsyncOAuthStateStore):
    """OAuth `state` values in our database, so any replica can finish an install."""

    def __init__(self, engine: Engine, expiration_seconds: int) -> None:
        self.store = SQLAlchemyOAuthStateStore(expiration_seconds, engine, table_name=OAUTH_STATES)

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        return await asyncio.to_thread(self.store.issue)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)
