"""What a user's delivery log says about a habit, as pure functions of daily tallies: done and
sent in a window, the current and best streak, and a habit-strength score that forgives.

The score follows Loop Habit Tracker's: each day with nudges moves it part of the way towards
that day's share of nudges done, ``score = score * m + share * (1 - m)`` with
``m = 0.5 ** (1 / 13)``, so a missed day lowers it by about 5% of the way and never zeroes it,
and about two weeks of every nudge done take a fresh habit past half. Days without nudges
(weekends of a weekday habit, pauses) leave it as it was."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# Loop's multiplier for a daily habit: the score's half-life is 13 days with a nudge.
MULTIPLIER = 0.5 ** (1 / 13)


@dataclass(frozen=True)
class DayTally:
    """One habit's nudges on one of the user's own calendar days."""

    day: date
    sent: int
    done: int

    @property
    def share(self) -> float:
        return min(1.0, self.done / self.sent) if self.sent else 0.0


@dataclass(frozen=True)
class Summary:
    done: int
    sent: int

    @property
    def percent(self) -> int | None:
        """Done out of sent, rounded; None when nothing was sent."""
        return round(100 * self.done / self.sent) if self.sent else None


def window(days: Iterable[DayTally], today: date, length: int) -> Summary:
    """Done and sent over the ``length`` days ending with ``today``."""
    first = today - timedelta(days=length - 1)
    inside = [tally for tally in days if first <= tally.day <= today]
    return Summary(sum(t.done for t in inside), sum(t.sent for t in inside))


def strength(days: Iterable[DayTally]) -> float:
    """The habit-strength score in [0, 1], from the oldest day to the newest."""
    score = 0.0
    for tally in sorted(days, key=lambda t: t.day):
        if tally.sent:
            score = score * MULTIPLIER + tally.share * (1 - MULTIPLIER)
    return score


def streaks(days: Iterable[DayTally], today: date) -> tuple[int, int]:
    """(current, best): runs of days with nudges on which at least one was done. Days without
    nudges neither break nor extend a run; today, still under way, breaks nothing yet."""
    current = best = 0
    for tally in sorted((t for t in days if t.sent and t.day <= today), key=lambda t: t.day):
        if tally.done:
            current += 1
            best = max(best, current)
        elif tally.day != today:
            current = 0
    return current, best


def daily_series(days: Iterable[DayTally], today: date, length: int) -> Sequence[DayTally]:
    """One tally per day for the ``length`` days ending today, zeros where nothing was sent:
    what a chart plots."""
    by_day = {tally.day: tally for tally in days}
    first = today - timedelta(days=length - 1)
    return [
        by_day.get(first + timedelta(days=offset), DayTally(first + timedelta(days=offset), 0, 0))
        for offset in range(length)
    ]
