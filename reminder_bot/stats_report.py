"""What /stats and the weekly summary say and draw, from a user's ``UserProgress``: the figures
of each habit (done of sent today, in 7 and in 30 days; the strength score; the current and best
streak) as Telegram HTML in the current language, and the chart of the last 14 or 30 days.

Which statuses count as sent and as done is defined once, in ``progress.SENT_STATUSES`` and
``progress.DONE_STATUSES``. Every day here is the user's own calendar day in their time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from babel.dates import format_skeleton
from babel.numbers import format_percent

from reminder_bot.charts import HabitPanel, PainPanel, render, render_off_loop
from reminder_bot.handlers.common import HABIT_LABELS, habit_label
from reminder_bot.i18n import _, babel_locale, ngettext
from reminder_bot.outgoing import CAPTION_LIMIT
from reminder_bot.pain import pain_trend, pain_trend_text
from reminder_bot.progress import Summary, daily_series, streaks, strength, window
from reminder_bot.store.progress_reads import UserProgress


@dataclass(frozen=True)
class HabitFigures:
    habit: str
    today: Summary
    week: Summary
    month: Summary
    score: float  # progress.strength, 0-1
    streak: int
    best: int
    ever_sent: bool  # any nudge of the habit in the history read (else no score to speak of)


def habit_figures(progress: UserProgress) -> list[HabitFigures]:
    """Each habit's figures, in ``schedule.HABITS`` order."""
    figures = []
    for habit, days in progress.days.items():
        current, best = streaks(days, progress.today)
        figures.append(
            HabitFigures(
                habit,
                window(days, progress.today, 1),
                window(days, progress.today, 7),
                window(days, progress.today, 30),
                strength(days),
                current,
                best,
                any(tally.sent for tally in days),
            )
        )
    return figures


def percent(share: float) -> str:
    """``57%`` (``57 %`` in Spanish): Babel's way for the current language."""
    return str(format_percent(share, locale=babel_locale()))


def done_of_sent(summary: Summary) -> str:
    """``3/7``, or a dash when nothing was sent."""
    return f"{summary.done}/{summary.sent}" if summary.sent else "–"


def with_percent(summary: Summary) -> str:
    """``80/150 (53%)``, or a dash when nothing was sent."""
    if not summary.sent:
        return done_of_sent(summary)
    return f"{done_of_sent(summary)} ({percent(summary.done / summary.sent)})"


def streak_text(figures: HabitFigures) -> str:
    """``strength 48% · streak 3 days (best 9)`` on a line of its own, or nothing for a habit
    never sent."""
    if not figures.ever_sent:
        return ""
    days = ngettext("{count} day", "{count} days", figures.streak).format(count=figures.streak)
    line = _("strength {score} · streak {days} (best {best})").format(
        score=percent(figures.score), days=days, best=figures.best
    )
    return "\n    " + line


def figures_line(figures: HabitFigures) -> str:
    """One habit in two lines: done of sent today, in 7 days, in 30 days; score and streaks."""
    month = with_percent(figures.month)
    counts = " · ".join((done_of_sent(figures.today), done_of_sent(figures.week), month))
    return f"<b>{habit_label(figures.habit)}</b>  {counts}{streak_text(figures)}"


def pain_line(progress: UserProgress) -> str:
    """The week's pain trend (``pain.py``), empty without check-ins."""
    return pain_trend_text(pain_trend(progress.pain, progress.today))


def stats_text(progress: UserProgress) -> str:
    """The whole /stats text: a heading, what the numbers are, each habit, the pain line."""
    lines = [
        _("📊 <b>Your progress</b>"),
        _("Done of sent: today · last 7 days · last 30 days"),
        _("Strength: how settled a habit is; a missed day lowers it only a little."),
        "",
        *(figures_line(figures) for figures in habit_figures(progress)),
    ]
    pain = pain_line(progress)
    if pain:
        lines += ["", pain]
    return "\n".join(lines)


def no_history_text() -> str:
    return _(
        "📊 No progress to show yet: no nudge has reached you so far. Your first figures and "
        "chart appear here after your first nudges (/schedule shows when they come)."
    )


def split_caption(text: str) -> tuple[str, str | None]:
    """(caption, None) when ``text`` fits a photo's caption, else a short caption and the text
    to send after the photo."""
    if len(text) <= CAPTION_LIMIT:
        return text, None
    return _("📊 <b>Your progress</b>: the figures follow."), text


def day_label(day: date) -> str:
    """``3 Mar`` (``3 mar``): the day and month as the current language writes them."""
    return str(format_skeleton("MMMd", day, locale=babel_locale()))


def chart_panels(progress: UserProgress, days: int) -> list[HabitPanel]:
    panels = []
    for habit, tallies in progress.days.items():
        series = daily_series(tallies, progress.today, days)
        got = window(series, progress.today, days)
        title = _("{habit}: {done} of {sent} done").format(
            habit=_(HABIT_LABELS[habit][1]), done=got.done, sent=got.sent
        )
        panels.append(HabitPanel(habit, title, series))
    return panels


ChartArgs = tuple[list[HabitPanel], str, Callable[[date], str], tuple[str, str], PainPanel | None]


def chart_args(progress: UserProgress, days: int) -> ChartArgs:
    """What ``charts.render`` takes for the last ``days`` days, in the current language: the
    pain check-ins as a panel of their own when there are any in the period."""
    panels = chart_panels(progress, days)
    first = panels[0].days[0].day
    scores = {day: score for day, score in progress.pain.items() if day >= first}
    pain = PainPanel(_("Back pain (0-10)"), scores) if scores else None
    heading = _("Last {days} days").format(days=days)
    return panels, heading, day_label, (_("nudges sent"), _("done")), pain


def draw_chart(progress: UserProgress, days: int) -> bytes:
    """The chart, drawn on this thread (scripts, benchmarks)."""
    return render(*chart_args(progress, days))


async def chart_png(progress: UserProgress, days: int) -> bytes:
    """The chart of the last ``days`` days, drawn off the event loop."""
    return await render_off_loop(partial(render, *chart_args(progress, days)))
