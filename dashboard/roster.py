"""Emergency team rosters: when each member is on shift, and how much of a spell falls in it.

The teams work three 8-hour shifts around the clock (codes.csv `shift`: A 00:00-08:00, B
08:00-16:00, C 16:00-24:00; the start hour is the code's `extra`). Each member has one shift
and two rest days a week (members.csv `rest_days`, ISO weekdays 1 = Monday .. 7 = Sunday),
staggered so that every shift is staffed every day. A shift belongs to the day it starts on:
a shift that crosses midnight (a deployment may set C to 22:00) is worked, or rested, as a
whole on its starting day. Public holidays are worked as rostered (a 24/7 team).

All times are naive Beijing time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from dashboard.reference import Reference, load_reference

SHIFT_HOURS = 8


@dataclass(frozen=True)
class Member:
    """One team member's roster."""

    member_id: str
    team_id: str
    shift: str
    start_hour: int
    hours: int
    rest_days: frozenset[int]

    def windows(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The member's shifts that overlap `[start, end)`, clipped to it, in order."""
        day = start.date() - timedelta(days=1)  # yesterday's shift may run past midnight
        while day <= end.date():
            if day.isoweekday() not in self.rest_days:
                begin = datetime.combine(day, datetime.min.time()) + timedelta(
                    hours=self.start_hour
                )
                finish = begin + timedelta(hours=self.hours)
                low, high = max(begin, start), min(finish, end)
                if low < high:
                    yield low, high
            day += timedelta(days=1)

    def on_shift_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of `[start, end)` inside the member's shifts."""
        if end <= start:
            return 0.0
        return sum((b - a).total_seconds() for a, b in self.windows(start, end))

    def scheduled_hours(self, first: date, last: date) -> float:
        """Rostered hours of the shifts starting on days `first`..`last` (inclusive)."""
        days = (last - first).days + 1
        worked = sum(
            1
            for i in range(max(days, 0))
            if (first + timedelta(days=i)).isoweekday() not in self.rest_days
        )
        return float(worked * self.hours)

    def on_duty(self, at: datetime) -> bool:
        """Whether `at` falls inside one of the member's shifts."""
        return self.on_shift_seconds(at, at + timedelta(seconds=1)) > 0


def members_from(ref: Reference) -> dict[str, Member]:
    """Every member's roster from the reference tables."""
    starts = {code: int(hour) for code, hour in ref.extra("shift").items()}
    out: dict[str, Member] = {}
    for m in ref.members:
        rest = frozenset(int(d) for d in m.get("rest_days", "").split(";") if d.strip())
        out[m["member_id"]] = Member(
            member_id=m["member_id"],
            team_id=m["team_id"],
            shift=m["shift"],
            start_hour=starts[m["shift"]],
            hours=SHIFT_HOURS,
            rest_days=rest,
        )
    return out


@cache
def members() -> dict[str, Member]:
    """The rosters of the deployment's reference data (read once per process)."""
    return members_from(load_reference())
