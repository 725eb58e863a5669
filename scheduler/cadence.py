"""Cadence rules: when each meeting kind is due again. Pure functions of data, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from storage.models import MeetingKind


@dataclass(frozen=True)
class Cadence:
    """How often a meeting kind should happen: every N months or every N weeks."""

    months: int = 0
    weeks: int = 0

    def after(self, held_on: date) -> date:
        """The next due date; calendar months, so one month after Jan 31 is the end of February."""
        return held_on + relativedelta(months=self.months, weeks=self.weeks)


DEFAULT_CADENCE: dict[MeetingKind, Cadence] = {
    MeetingKind.STRATEGIC: Cadence(months=6),
    MeetingKind.TACTICAL: Cadence(months=3),
    MeetingKind.OPERATIONAL: Cadence(months=1),
    MeetingKind.INTERNAL: Cadence(weeks=2),
}
