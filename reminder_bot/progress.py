"""What a user's delivery log says about a habit, as pure functions of daily tallies: done and
sent in a window, the current and best streak, and a habit-strength score that forgives.

The score follows Loop Habit Tracker's: each day with nudges moves it part of the way towards
that day's share of nudges done, ``score = score * m + share * (1 - m)`` with
``m = 0.5 ** (1 / 13)``, so a missed day lowers it by about 5% of the way and never zeroes it,
and about two weeks of every nudge done take a fresh habit past half. Days without nudges
(weekends of a weekday habit, pauses) leave it as it was."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reminder_bot.schedule import HABITS
from reminder_bot.status import DeliveryStatus

# Loop's multiplier for a daily habit: the score's half-life is 13 days with a nudge.
MULTIPLIER = 0.5 ** (1 / 13)

# What the figures count, defined here only. "Sent": the nudge reached the user (Telegram
# accepted it), whatever they did with it: waiting for a press, or pressed Done, Skip or Snooze,
# or shown again after a snooze. Not sent: missed, quiet, stale, failed, blocked, superseded (a
# queued row never tried), and rows still queued or in flight. "Done": the user pressed Done.
SENT_STATUSES = frozenset(
    {
        DeliveryStatus.SENT,
        DeliveryStatus.DONE,
        DeliveryStatus.SKIPPED,
        DeliveryStatus.SNOOZED,
        DeliveryStatus.RESENT,
    }
)
DONE_STATUSES = frozenset({DeliveryStatus.DONE})
# How far back the score and the best streak look: the score forgets a day's weight by half in
# 13 days with nudges, so after a year nothing older could change its rounded percent.
HISTORY_DAYS = 365


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


def tallies(
    totals: Mapping[tuple[str, date], Mapping[DeliveryStatus, int]],
) -> dict[str, list[DayTally]]:
    """Each habit's days from ``store.retention.daily_totals`` (slots by habit, day and status),
    counted as ``SENT_STATUSES`` and ``DONE_STATUSES`` say; the summary and check-in rows are
    left out, and every habit is present, with no days when it has no history."""
    out: dict[str, list[DayTally]] = {habit: [] for habit in HABITS}
    for (habit, day), by_status in sorted(totals.items(), key=lambda item: item[0][1]):
        if habit in out:
            sent = sum(n for status, n in by_status.items() if status in SENT_STATUSES)
            done = sum(n for status, n in by_status.items() if status in DONE_STATUSES)
            out[habit].append(DayTally(day, sent, done))
    return out
