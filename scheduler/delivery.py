"""Deliver outbox rows through the platform adapters: nothing lost, nothing doubled.

Each pass claims due rows, sends one message per target (several reminders of one account go out
together), and records the platform's answer: sent with its message id, retried later after a
rate limit or a transient failure (with backoff and jitter), dead after too many attempts, or the
account paused when its channel is gone. A row whose earlier attempt may have reached the platform
is looked up by its tag before it is sent again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from handlers import checkin_messages
from handlers.criteria import requalification
from handlers.i18n import speaking
from handlers.linking import parted_notice
from handlers.model import Reply, Visibility
from handlers.opportunities import stale_reminder
from handlers.reminders import DueItem, agreement_expiring, paused_notice, reminder
from scheduler import planning
from scheduler.agreements import TOPIC as AGREEMENT
from scheduler.planning import SUBJECTS
from storage import checkins, outbox
from storage import plan as plans
from storage.criteria import REQUALIFY
from storage.models import Account
from storage.opportunities import STALE_TOPIC
from storage.outbox import Claimed
from storage.store import Store

log = logging.getLogger(__name__)

Renderer = Callable[[Store, Claimed, datetime], Reply | None]

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


class RateLimited(Exception):
    """The platform said 429: try again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:g}s")
        self.retry_after = retry_after


class Unreachable(Exception):
    """The target is gone for good (channel archived or not found, bot removed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Moot(Exception):
    """Nothing left to say: every row's account or subject is gone, or was resolved after it was
    queued (an opportunity updated, a round closed)."""


class TransientFailure(Exception):
    """A failure worth retrying; `ambiguous` when the message may have been posted anyway."""

    def __init__(self, reason: str, *, ambiguous: bool) -> None:
        super().__init__(reason)
        self.ambiguous = ambiguous


class Deliverer(Protocol):
    """What a platform adapter offers the outbox."""

    async def post(self, workspace: str, target: str, reply: Reply, tag: list[int]) -> str:
        """Post `reply` to a channel or user, tagged with the outbox ids; return the message id."""
        ...

    async def find(self, workspace: str, target: str, outbox_id: int) -> str | None:
        """The id of a message already posted with this outbox id in its tag, if any."""
        ...


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    paused_accounts: list[int] = field(default_factory=list)


async def deliver(
    store: Store, deliverers: Mapping[str, Deliverer], now: datetime, targets: int = 200
) -> DeliveryReport:
    """One delivery pass over what is due now, for up to `targets` channels and people."""
    claimed = await asyncio.to_thread(outbox.claim, store.engine, now, targets)
    report = DeliveryReport()
    for group in _by_target(claimed):
        deliverer = deliverers.get(group[0].platform)
        if deliverer is None:
            await _retry(store, group, now, f"no adapter for {group[0].platform}", report)
            continue
        await _deliver_group(store, deliverer, group, now, report)
    return report


def _by_target(rows: list[Claimed]) -> list[list[Claimed]]:
    """One group per target, in claim order: one message per channel per pass."""
    groups: dict[tuple[str, str, str], list[Claimed]] = {}
    for row in rows:
        groups.setdefault((row.platform, row.workspace, row.target), []).append(row)
    return list(groups.values())


async def _deliver_group(
    store: Store, deliverer: Deliverer, group: list[Claimed], now: datetime, report: DeliveryReport
) -> None:
    first = group[0]
    pending = []
    for row in group:
        if not row.maybe_sent:
            pending.append(row)
            continue
        try:
            found = await deliverer.find(row.workspace, row.target, row.id)
        except Exception as error:
            log.warning("could not check whether outbox row %s was posted", row.id, exc_info=True)
            await _retry(store, [row], now, f"lookup failed: {error}", report, ambiguous=True)
            continue
        if found is None:
            pending.append(row)
        else:
            await asyncio.to_thread(outbox.mark_sent, store.engine, [row.id], found, now)
            report.sent += 1
    if not pending:
        return
    ids = [row.id for row in pending]
    try:
        with speaking(first.language):  # for what the adapter adds (Teams: "shortened")
            reply = await asyncio.to_thread(render, store, pending, now)
            message_id = await deliverer.post(first.workspace, first.target, reply, ids)
    except RateLimited as limited:
        at = now + timedelta(seconds=limited.retry_after)
        await asyncio.to_thread(outbox.retry_later, store.engine, ids, at, str(limited))
        report.retried += len(ids)
    except Unreachable as gone:
        await _unreachable(store, pending, gone.reason, now, report)
    except Moot as moot:
        await asyncio.to_thread(outbox.cancel, store.engine, ids, str(moot))
    except TransientFailure as failure:
        await _retry(store, pending, now, str(failure), report, ambiguous=failure.ambiguous)
    except Exception as error:
        log.exception("delivery of outbox rows %s failed", ids)
        await _retry(store, pending, now, f"{type(error).__name__}: {error}", report)
    else:
        await asyncio.to_thread(outbox.mark_sent, store.engine, ids, message_id, now)
        report.sent += len(ids)


async def _retry(
    store: Store,
    rows: list[Claimed],
    now: datetime,
    error: str,
    report: DeliveryReport,
    *,
    ambiguous: bool = False,
) -> None:
    """Back off exponentially with jitter; after `MAX_ATTEMPTS` the rows are dead, not dropped."""
    spent = [row.id for row in rows if row.attempts >= MAX_ATTEMPTS]
    again = [row for row in rows if row.attempts < MAX_ATTEMPTS]
    if spent:
        await asyncio.to_thread(outbox.mark_dead, store.engine, spent, error)
        report.dead += len(spent)
    for row in again:
        at = now + backoff(row.attempts)
        maybe_sent = ambiguous or row.maybe_sent
        await asyncio.to_thread(
            outbox.retry_later, store.engine, [row.id], at, error, maybe_sent=maybe_sent
        )
        report.retried += 1


def retry_after(headers: Any, default: float) -> float:
    """Seconds from a Retry-After header, whatever its case; `default` when missing or odd."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return float(value)
            except ValueError:
                break
    return default


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour, each with up to 50% random jitter."""
    base: timedelta = min(BASE_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)
    return base * (1 + random.random() / 2)


async def _unreachable(
    store: Store, rows: list[Claimed], reason: str, now: datetime, report: DeliveryReport
) -> None:
    """A direct message that cannot go is dead; a channel that is gone pauses its account."""
    ids = [row.id for row in rows]
    await asyncio.to_thread(outbox.mark_dead, store.engine, ids, reason)
    report.dead += len(ids)
    for account_id in sorted(
        {row.account_id for row in rows if row.account_id and not row.to_user}
    ):
        if await asyncio.to_thread(_part, store, account_id, rows[0], reason, now):
            continue
        await asyncio.to_thread(_pause, store, account_id, rows[0].workspace, reason, now)
        report.paused_accounts.append(account_id)


def _part(store: Store, account_id: int, row: Claimed, reason: str, now: datetime) -> bool:
    """A gone channel of an account with other channels is unlinked instead of the account
    paused, and the KAM told; False when it was the account's last channel."""
    workspace = store.workspace_id(row.platform, row.workspace, now)
    account = store.account(account_id)
    if account is None or not store.unbind_channel(account_id, workspace, row.target):
        return False
    with speaking(account.language):
        notice = parted_notice(account, row.platform, row.target, reason)
    _tell_kam(store, account, f"parted:{account_id}:{workspace}:{row.target}", notice, now)
    return True


def _pause(store: Store, account_id: int, workspace: str, reason: str, now: datetime) -> None:
    account = outbox.pause_account(store.engine, account_id, reason)
    outbox.cancel_for_account(store.engine, account_id, reason)
    if account is None:
        return
    with speaking(account.language):
        notice = paused_notice(account, reason)
    _tell_kam(store, account, f"paused:{account_id}:{now.date().isoformat()}", notice.summary, now)


def _tell_kam(store: Store, account: Account, key: str, text: str, now: datetime) -> None:
    """A notice to the account's KAM in person, once per `key`."""
    outbox.enqueue(
        store.engine,
        dedupe_key=key,
        workspace_id=account.workspace_id,
        account_id=account.id,
        target=account.kam,
        to_user=True,
        topic="notice",
        body=text,
        now=now,
    )


def render(store: Store, rows: list[Claimed], now: datetime) -> Reply:
    """The one message for a group: its reminders together, then notices and other topics.

    Rows with nothing left to say are left out (and done with the message); `Moot` when no row
    has anything left to say.
    """
    replies = []
    reminders = [row for row in rows if row.topic == "reminder" and row.account_id is not None]
    for account_id in dict.fromkeys(row.account_id for row in reminders):
        assert account_id is not None
        facts = store.planning_facts(account_id)
        if facts is None:
            continue
        items = sorted(
            (
                DueItem(row.subject, row.due_on)
                for row in reminders
                if row.account_id == account_id and row.due_on is not None
            ),
            key=lambda item: SUBJECTS.index(item.subject),
        )
        with speaking(facts.account.language):
            replies.append(reminder(facts, items, now, to_kam=rows[0].to_user))
    rendered = (RENDERERS[row.topic](store, row, now) for row in rows if row.topic in RENDERERS)
    replies += [reply for reply in rendered if reply is not None]
    if not replies:
        raise Moot("nothing left to say at delivery")
    return _merge(replies)


def _agreement(store: Store, row: Claimed, now: datetime) -> Reply | None:
    """An agreement's expiry reminder, in the account's language at delivery; None when the
    agreement left the plan or got another end date after the reminder was queued."""
    facts = store.planning_facts(row.account_id) if row.account_id is not None else None
    if facts is None:
        return None
    said = json.loads(row.body)
    ends_on = date.fromisoformat(said["ends_on"])
    if not plans.agreement_ends(store.engine, facts.account.id, said["name"], ends_on):
        return None
    today = planning.calendar_of(facts).local_date(now)
    with speaking(facts.account.language):
        return agreement_expiring(facts.account, said["name"], ends_on, today)


RENDERERS: dict[str, Renderer] = {
    "notice": lambda store, row, now: Reply(summary=row.body),
    AGREEMENT: _agreement,
    REQUALIFY: requalification,
    STALE_TOPIC: lambda store, row, now: stale_reminder(store, int(row.body), row.target, now),
    checkins.PROMPT: lambda store, row, now: checkin_messages.prompt_row(store, row),
    checkins.NUDGE: lambda store, row, now: checkin_messages.nudge_row(store, row),
    checkins.SUMMARY: lambda store, row, now: checkin_messages.summary_row(store, row),
}
"""Topics rendered one row at a time, in the account's language; None when it is moot."""


def _merge(replies: list[Reply]) -> Reply:
    if len(replies) == 1:
        return replies[0]
    return replace(
        replies[0],
        summary="\n".join(reply.summary for reply in replies),
        blocks=tuple(block for reply in replies for block in reply.blocks),
        visibility=Visibility.CHANNEL,
        posted=tuple(posted for reply in replies for posted in reply.posted),
    )
