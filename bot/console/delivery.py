"""The console as a delivery target: reminders appear in the terminal as they go out."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.console.render import render_reply
from handlers.model import Reply


@dataclass
class ConsoleDeliverer:
    """Prints what the outbox posts; keeps the tags, so a retried row is found, not re-posted."""

    show: Callable[[Reply, str], None]
    posted: dict[int, str] = field(default_factory=dict)
    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def post(self, workspace: str, target: str, reply: Reply, tag: list[int]) -> str:
        self.show(reply, target)
        message_id = f"console-{next(self.numbers)}"
        self.posted.update(dict.fromkeys(tag, message_id))
        return message_id

    async def find(self, workspace: str, target: str, outbox_id: int) -> str | None:
        return self.posted.get(outbox_id)


def as_text(reply: Reply, target: str) -> str:
    """A delivered message: to a channel as the channel sees it, to a person as a DM."""
    where = target if target.startswith("#") else f"direct message to @{target}"
    return render_reply(reply, where)
