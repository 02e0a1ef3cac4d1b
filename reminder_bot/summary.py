"""The weekly summary's composer: the last 7 days of each habit (done of sent, strength score,
streak), one honest line of encouragement (a week with nothing done is never praised), and the
chart of the last 14 days as the photo it captions. The dispatcher claims it (Sunday 18:00 local
by default, never in quiet hours or a pause, never twice) and enters the user's language."""

from __future__ import annotations

from reminder_bot import charts
from reminder_bot.handlers.common import habit_label
from reminder_bot.i18n import _
from reminder_bot.outgoing import Composer, Outgoing
from reminder_bot.progress import Summary
from reminder_bot.stats_report import (
    HabitFigures,
    chart_png,
    habit_figures,
    streak_text,
    with_percent,
)
from reminder_bot.store import Delivery, Store

CHART_DAYS = 14
# Charts queued for the drawing thread past which a summary goes without its chart: at ~150 ms a
# chart, 1,000 are 2.5 minutes of drawing. A Sunday evening of many users in one time zone would
# otherwise hold summaries until they turn stale (REMINDER_BOT_STALE_MINUTES) and are dropped.
CHART_BACKLOG_LIMIT = 1000
# Shares of the week's nudges done that the encouragement tells apart.
STRONG = 0.8
HALF = 0.5


def encouragement(week: Summary) -> str:
    """One line that says how the week went, and never more than it was."""
    if not week.sent:
        return _("No nudges reached you this week. They start again as your schedule says.")
    share = week.done / week.sent
    if week.done == 0:
        return _("Nothing marked done this week. One short break tomorrow is a good restart.")
    if share >= STRONG:
        return _("A strong week: you took most of your breaks. Keep it up!")
    if share >= HALF:
        return _("More than half of your breaks taken. A steady week.")
    return _("Some breaks taken: each one counts. Try one more a day next week.")


def week_line(figures: HabitFigures) -> str:
    week = with_percent(figures.week)
    return f"<b>{habit_label(figures.habit)}</b>  {week}{streak_text(figures)}"


def summary_text(figures: list[HabitFigures]) -> str:
    """The caption: a heading, each habit's week, the encouragement (fits 1,024 characters)."""
    total = Summary(sum(f.week.done for f in figures), sum(f.week.sent for f in figures))
    return "\n".join(
        [
            _("🗓 <b>Your week</b> (done of sent, last 7 days)"),
            "",
            *(week_line(f) for f in figures),
            "",
            encouragement(total),
            _("/stats shows more."),
        ]
    )


def make_summary_composer(
    store: Store, chart_backlog_limit: int = CHART_BACKLOG_LIMIT
) -> Composer:
    """The weekly summary's composer for the dispatcher (``composers={SUMMARY: ...}``): the
    figures up to the slot's time, and the chart when any nudge ever reached the user (unless
    more than ``chart_backlog_limit`` charts wait to be drawn)."""

    async def compose(delivery: Delivery) -> Outgoing:
        progress = await store.user_progress(delivery.user_id, delivery.slot)
        if progress is None:
            return Outgoing(encouragement(Summary(0, 0)))
        text = summary_text(habit_figures(progress))
        if not progress.has_history or charts.backlog() > chart_backlog_limit:
            return Outgoing(text)
        return Outgoing(text, photo=await chart_png(progress, CHART_DAYS))

    return compose
