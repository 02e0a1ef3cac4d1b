"""The week of pain check-ins: count, average, direction and when to suggest a GP or
physiotherapist (reminder_bot.pain), and its one line in English and Spanish."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reminder_bot.i18n import language
from reminder_bot.pain import Advice, Direction, pain_trend, pain_trend_text, slope

TODAY = date(2026, 11, 30)


def week(*scores: int | None) -> dict[date, int]:
    """Scores for the days ending today (the last one is today); None: no check-in that day."""
    start = TODAY - timedelta(days=len(scores) - 1)
    return {
        start + timedelta(days=i): score for i, score in enumerate(scores) if score is not None
    }


@pytest.mark.parametrize(
    ("scores", "count", "average", "direction", "advice"),
    [
        ({}, 0, None, Direction.UNKNOWN, Advice.NONE),
        (week(3), 1, 3.0, Direction.UNKNOWN, Advice.NONE),
        (week(3, 5), 2, 4.0, Direction.UNKNOWN, Advice.NONE),  # too few for a direction
        (week(2, 2, 2), 3, 2.0, Direction.STEADY, Advice.NONE),
        (week(6, 4, 2), 3, 4.0, Direction.EASING, Advice.NONE),
        # stays high: average >= 6 over at least 4 check-ins
        (week(7, 7, 7, 7, 7), 5, 7.0, Direction.STEADY, Advice.HIGH),
        (week(6, 6, 6, 6), 4, 6.0, Direction.STEADY, Advice.HIGH),
        (week(8, 8, 8), 3, 8.0, Direction.STEADY, Advice.NONE),  # high, but only 3 days
        (week(5, 6, 6, 5), 4, 5.5, Direction.STEADY, Advice.NONE),
        # rising: +0.5 a day or more over at least 4 check-ins
        (week(2, 3, 4, 5, 6, 7, 8), 7, 5.0, Direction.RISING, Advice.RISING),
        (week(1, None, 2, None, 3, None, 4), 4, 2.5, Direction.RISING, Advice.RISING),
        (week(2, 2, 3, 3), 4, 2.5, Direction.RISING, Advice.NONE),  # 0.4 a day: said, no advice
        (week(1, 9, 1), 3, 11 / 3, Direction.STEADY, Advice.NONE),  # one bad day
        (week(9, 8, 7, 6, 5), 5, 7.0, Direction.EASING, Advice.NONE),  # high, but easing
        (week(8, 7, 8, 7, 8), 5, 7.6, Direction.STEADY, Advice.HIGH),
    ],
)
def test_trend(
    scores: dict[date, int],
    count: int,
    average: float | None,
    direction: Direction,
    advice: Advice,
) -> None:
    trend = pain_trend(scores, TODAY)
    assert trend.count == count
    assert trend.average == (pytest.approx(average) if average is not None else None)
    assert trend.direction is direction
    assert trend.advice is advice
    assert trend.suggest_gp is (advice is not Advice.NONE)


def test_only_the_last_seven_days_count() -> None:
    scores = {TODAY - timedelta(days=7): 10, TODAY - timedelta(days=6): 2, TODAY: 4}
    trend = pain_trend({**scores, TODAY + timedelta(days=1): 10}, TODAY)
    assert (trend.count, trend.average, trend.latest) == (2, 3.0, 4)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ({}, None),
        ({3: 5}, None),
        ({0: 1, 1: 2}, 1.0),
        ({0: 4, 2: 4, 6: 4}, 0.0),
        ({0: 8, 4: 0}, -2.0),
    ],
)
def test_slope(points: dict[int, int], expected: float | None) -> None:
    assert slope(points) == expected


def test_no_check_ins_no_line() -> None:
    assert pain_trend_text(pain_trend({}, TODAY)) == ""


@pytest.mark.parametrize(
    ("code", "scores", "expected"),
    [
        ("en", week(3), "Back pain, last 7 days: 1 check-in, average 3/10."),
        (
            "en",
            week(6, 4, 3),
            "Back pain, last 7 days: 3 check-ins, average 4.3/10. Trend: easing.",
        ),
        ("es", week(3), "Dolor de espalda, últimos 7 días: 1 registro, media 3/10."),
        (
            "es",
            week(6, 4, 3),
            "Dolor de espalda, últimos 7 días: 3 registros, media 4,3/10. Tendencia: mejorando.",
        ),
    ],
)
def test_line(code: str, scores: dict[date, int], expected: str) -> None:
    with language(code):
        assert pain_trend_text(pain_trend(scores, TODAY)) == expected


@pytest.mark.parametrize(
    ("code", "scores", "why", "gp"),
    [
        ("en", week(7, 7, 7, 7), "stayed high", "GP or physiotherapist"),
        ("en", week(2, 3, 4, 5, 6), "getting worse this week", "GP or physiotherapist"),
        ("es", week(7, 7, 7, 7), "alto", "fisioterapeuta"),
        ("es", week(2, 3, 4, 5, 6), "empeorando", "fisioterapeuta"),
    ],
)
def test_gentle_suggestion(code: str, scores: dict[date, int], why: str, gp: str) -> None:
    with language(code):
        text = pain_trend_text(pain_trend(scores, TODAY))
    line, suggestion = text.split("\n")
    assert why in suggestion and gp in suggestion
    assert "/redflags" in suggestion  # urgent signs are pointed to, never diagnosed here
    assert "<" not in text  # fits a caption or a message as it is
