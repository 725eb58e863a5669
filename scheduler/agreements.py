"""Framework agreements about to expire: the account channel hears 90 and 30 days before.

Each reminder is one outbox row with a dedupe key per agreement, end date and lead, so ticks may
repeat freely; it goes out from 09:00 on a working day, like the meeting reminders.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from scheduler import planning
from storage import outbox
from storage import plan as plans
from storage.store import Store

TOPIC = "agreement"
LEADS = (30, 90)
"""Days before the end; an agreement entered late gets only the nearest one."""


def lead_for(ends_on: date, today: date) -> int | None:
    """The reminder an agreement is due for today: 30, 90, or none (far off, or over)."""
    days = (ends_on - today).days
    return next((lead for lead in LEADS if 0 <= days <= lead), None)


def queue_expiring(store: Store, now: datetime) -> int:
    """Queue the expiry reminders due now; returns how many were new."""
    today = now.date()
    queued = 0
    for item in plans.expiring(
        store.engine, today - timedelta(days=1), today + timedelta(LEADS[-1] + 1)
    ):
        facts = store.planning_facts(item.account_id)
        if facts is None or not facts.account.channels:
            continue
        calendar = planning.calendar_of(facts)
        local = calendar.local_date(now)
        lead = lead_for(item.ends_on, local)
        opens = calendar.send_at(local)
        if lead is None or not opens <= now < opens + planning.WINDOW:
            continue
        body = json.dumps({"name": item.name, "ends_on": item.ends_on.isoformat(), "lead": lead})
        queued += outbox.enqueue(
            store.engine,
            dedupe_key=f"{TOPIC}:{item.account_id}:{item.ends_on}:{lead}:{item.name}",
            workspace_id=item.workspace_id,
            account_id=item.account_id,
            target=facts.account.channels[0].channel,
            to_user=False,
            topic=TOPIC,
            body=body,
            now=now,
        )
    return queued
