"""What may be shown where: confidential account facts never reach outsiders.

An account channel may include people from outside the company (Slack Connect, Teams guests).
Budget, profitability, competitor, relationship and partner notes are then never posted into
it: the full text goes to the requester privately, the channel's copy leaves those facts out.
Only account team members see them at all. Every family that shows such facts asks here.
"""

from __future__ import annotations

from handlers.model import Request, Visibility
from handlers.permissions import Action, allowed
from storage.models import Account


def in_the_open(request: Request) -> bool:
    """Whether the request's conversation has members from outside the company."""
    return request.external


def may_see(request: Request, account: Account) -> bool:
    """Whether the caller may read the account's confidential facts at all."""
    return allowed(request, account, Action.SEE_CONFIDENTIAL)


def shared_visibility(request: Request) -> Visibility:
    """Where a message with confidential facts goes: the channel, or only the requester."""
    return Visibility.ONLY_YOU if in_the_open(request) else Visibility.CHANNEL
