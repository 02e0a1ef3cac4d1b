"""What a week of pain check-ins says: how many, the average, the direction, and whether to
suggest seeing a GP or physiotherapist. Pure: the scores and ``today`` (the user's local date)
are passed in.

The direction is a least-squares slope over the days of the week (points per day), not first
half against last half: check-ins come on any days of the week, with gaps, and a slope uses each
one at the day it was given. The thresholds are product choices built on the vetted facts
(content-facts.md section 3: see a GP or physiotherapist when pain "is very severe or getting
worse"), not clinical cut-offs:

- **stays high**: an average of 6/10 or more over at least 4 check-ins in the week (on a 0-10
  scale 7-10 is usually called severe; 6 leaves room for a day or two lower), unless it is
  clearly easing (the direction below says "easing");
- **rising**: a slope of +0.5 points a day or more (about 3 points over the week) over at least
  4 check-ins, so that one bad day among few cannot trigger it.

The suggestion is gentle and never a diagnosis; urgent signs are pointed to /redflags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from babel.numbers import format_decimal

from reminder_bot.content.safety import default_safety, render_pain_advice
from reminder_bot.i18n import _, babel_locale, ngettext

WINDOW_DAYS = 7
# Enough check-ins in the window for an average or a direction to mean something.
MIN_CHECKINS_FOR_ADVICE = 4
MIN_CHECKINS_FOR_DIRECTION = 3
HIGH_AVERAGE = 6.0
RISING_SLOPE = 0.5  # points a day: the suggestion
DIRECTION_SLOPE = 0.25  # points a day: said in the line ("rising" / "easing")


class Direction(StrEnum):
    RISING = "rising"
    EASING = "easing"
    STEADY = "steady"
    UNKNOWN = "unknown"  # too few check-ins to say


class Advice(StrEnum):
    NONE = "none"
    HIGH = "high"  # pain that stays high
    RISING = "rising"  # pain getting worse over the week


@dataclass(frozen=True)
class PainTrend:
    """The last ``WINDOW_DAYS`` days up to ``today``; ``average``/``slope`` None when unknown."""

    count: int
    average: float | None
    slope: float | None
    direction: Direction
    latest: int | None
    advice: Advice

    @property
    def suggest_gp(self) -> bool:
        return self.advice is not Advice.NONE


def window_start(today: date) -> date:
    """The first day of the week ``pain_trend`` reads (``today`` is the last)."""
    return today - timedelta(days=WINDOW_DAYS - 1)


def slope(points: Mapping[int, int]) -> float | None:
    """The least-squares slope of score against day number; None for fewer than two days."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(points) / n
    mean_y = sum(points.values()) / n
    spread = sum((x - mean_x) ** 2 for x in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points.items()) / spread


def _direction(count: int, rate: float | None) -> Direction:
    if rate is None or count < MIN_CHECKINS_FOR_DIRECTION:
        return Direction.UNKNOWN
    if rate >= DIRECTION_SLOPE:
        return Direction.RISING
    if rate <= -DIRECTION_SLOPE:
        return Direction.EASING
    return Direction.STEADY


def _advice(count: int, average: float | None, rate: float | None) -> Advice:
    if count < MIN_CHECKINS_FOR_ADVICE or average is None:
        return Advice.NONE
    if rate is not None and rate >= RISING_SLOPE:
        return Advice.RISING
    # Easing clearly is not "staying high", however high the week's average.
    if average >= HIGH_AVERAGE and (rate is None or rate > -DIRECTION_SLOPE):
        return Advice.HIGH
    return Advice.NONE


def pain_trend(scores: Mapping[date, int], today: date) -> PainTrend:
    """The week up to ``today`` (inclusive) of ``scores`` (local day -> 0-10); other days are
    ignored, so the caller may pass more."""
    start = window_start(today)
    week = {day: score for day, score in scores.items() if start <= day <= today}
    if not week:
        return PainTrend(0, None, None, Direction.UNKNOWN, None, Advice.NONE)
    average = sum(week.values()) / len(week)
    rate = slope({(day - start).days: score for day, score in week.items()})
    return PainTrend(
        count=len(week),
        average=average,
        slope=rate,
        direction=_direction(len(week), rate),
        latest=week[max(week)],
        advice=_advice(len(week), average, rate),
    )


def _direction_words(direction: Direction) -> str:
    match direction:
        case Direction.RISING:
            return _("Trend: getting worse.")
        case Direction.EASING:
            return _("Trend: easing.")
        case Direction.STEADY:
            return _("Trend: about the same.")
    return ""


def pain_trend_text(trend: PainTrend) -> str:
    """One line about the week in the current language, then the gentle suggestion when it
    applies (a health text: ``content/safety.toml``, with its source); empty when there are no
    check-ins. Telegram HTML without tags: fit for a message or a photo's caption."""
    if trend.count == 0 or trend.average is None:
        return ""
    average = format_decimal(round(trend.average, 1), "0.#", locale=babel_locale())
    line = ngettext(
        "Back pain, last 7 days: {count} check-in, average {average}/10.",
        "Back pain, last 7 days: {count} check-ins, average {average}/10.",
        trend.count,
    ).format(count=trend.count, average=average)
    words = _direction_words(trend.direction)
    if words:
        line += " " + words
    if trend.suggest_gp:
        texts = default_safety()
        line += "\n" + render_pain_advice(texts, rising=trend.advice is Advice.RISING)
    return line
