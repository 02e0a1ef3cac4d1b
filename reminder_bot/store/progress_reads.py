"""What /stats and the weekly summary read about one user, in one hop to the writer thread: the
user's own today (in their time zone), each habit's days from the delivery log and its rolled-up
counts (``retention.daily_totals``, so the retention line never shows), and the pain check-ins
of the chart's longest period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from reminder_bot.progress import HISTORY_DAYS, DayTally, tallies
from reminder_bot.store.checkins import pain_scores
from reminder_bot.store.retention import daily_totals

if TYPE_CHECKING:
    from reminder_bot.store.sql import Sql

# The longest period a chart shows (callbacks.STATS_DAYS); pain scores are read that far back.
CHART_DAYS_MAX = 30


@dataclass(frozen=True)
class UserProgress:
    """One user's history as the figures need it; ``days`` by habit, oldest first."""

    today: date
    days: dict[str, list[DayTally]]
    pain: dict[date, int] = field(default_factory=dict)

    @property
    def has_history(self) -> bool:
        """Whether any nudge ever reached the user (a chart of nothing helps nobody)."""
        return any(tally.sent for habit_days in self.days.values() for tally in habit_days)


def user_progress(sql: Sql, user_id: int, now: datetime) -> UserProgress | None:
    """The user's progress up to ``now``; None for a user not stored."""
    user = sql.get_user(user_id)
    if user is None:
        return None
    today = now.astimezone(user.zone).date()
    totals = daily_totals(sql, user_id, today - timedelta(days=HISTORY_DAYS - 1), today)
    since = today - timedelta(days=CHART_DAYS_MAX - 1)
    return UserProgress(today, tallies(totals), pain_scores(sql, user_id, since))
