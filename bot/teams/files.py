"""A Teams reply's files as links the bot serves itself, when it has a public address.

Teams shows no file a bot attaches inline except a small image, and refuses a message over about
28 KB, so a chart or an export sent as a data URL reaches nobody. Stored in the database, the
files are served at `KAM_PUBLIC_URL/files/<token>/<filename>` by whichever replica is asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from bot.teams.cards import Served
from bot.teams.incoming import PLATFORM
from handlers.model import Upload
from storage import shared_files
from storage.store import Store

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class FileLinks:
    """Where Teams replies' files are served from: `KAM_PUBLIC_URL` (with the scheme)."""

    store: Store
    public_url: str
    clock: Clock

    def share(self, workspace: str, files: Sequence[Upload]) -> tuple[Served, ...]:
        """Store each file for its link's lifetime; the links, in the files' order."""
        now = self.clock()
        workspace_id = self.store.workspace_id(PLATFORM, workspace, now)
        base = self.public_url.rstrip("/")
        links = []
        for file in files:
            token = shared_files.share(
                self.store, workspace_id, file.filename, file.mime, file.content, now
            )
            links.append(Served(file, f"{base}/files/{token}/{quote(file.filename)}"))
        return tuple(links)


async def served(
    links: FileLinks | None, workspace: str, files: Sequence[Upload]
) -> tuple[Served, ...] | None:
    """The files stored and linked; None without a public address, when they go inline."""
    if links is None:
        return None
    if not files:
        return ()
    return await asyncio.to_thread(links.share, workspace, files)
