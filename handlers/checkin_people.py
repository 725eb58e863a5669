"""`/kam away` and each person's time zone: who a check-in asks, and by when."""

from __future__ import annotations

import functools
import re
from zoneinfo import available_timezones

from handlers.access import workspace_id
from handlers.errors import UsageError
from handlers.i18n import _
from handlers.model import Reply, Request, Section
from handlers.parsing import read_date
from storage import checkins as rounds
from storage.store import Store


def away(request: Request, store: Store, args: str) -> Reply:
    """`away until 2026-12-10` skips you in check-ins; `away off` brings you back."""
    remember_timezone(request, store)
    workspace = workspace_id(request, store)
    phrase = re.sub(r"^(until|till)\s+", "", args.strip(), flags=re.IGNORECASE)
    today = request.received_at.date()
    if phrase.lower() in ("off", "back", "tillbaka"):
        rounds.set_away(store.engine, workspace, request.user, None)
        text = _("Welcome back: check-ins ask you again.")
        return Reply(summary=text, blocks=(Section(text),))
    if not phrase:
        until = rounds.away_until(store.engine, workspace, [request.user]).get(request.user)
        if until is None or until < today:
            text = _("You aren't marked away. Going away? `/kam away until 2026-12-10`.")
        else:
            text = _("You're away until {date}; `/kam away off` when you're back.").format(
                date=until.isoformat()
            )
        return Reply(summary=text, blocks=(Section(text),))
    until = read_date(phrase, today, prefer="future")
    if until < today:
        raise UsageError(
            _(
                "{date} has passed; say until when you'll be away, "
                "e.g. `/kam away until 2026-12-10`."
            ).format(date=until.isoformat())
        )
    rounds.set_away(store.engine, workspace, request.user, until)
    text = _(
        "You're away until {date}: check-ins skip you until then and don't count you as "
        "missing. Back earlier? `/kam away off`."
    ).format(date=until.isoformat())
    return Reply(summary=text, blocks=(Section(text),))


def remember_timezone(request: Request, store: Store) -> None:
    """Keep the caller's time zone, when their platform tells it, for their check-in deadlines.

    Check-in requests only: a write on every first request of a person would slow the others.
    """
    if request.timezone in _zones():
        _remember(store, workspace_id(request, store), request.user, request.timezone)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


@functools.lru_cache(maxsize=4096)
def _remember(store: Store, workspace: int, user: str, zone: str) -> None:
    """Once per person, zone and process: the platform says it with every request."""
    rounds.note_timezone(store.engine, workspace, user, zone)
