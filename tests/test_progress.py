from __future__ import annotations

from datetime import date, timedelta

import pytest

from reminder_bot.progress import (
    DONE_STATUSES,
    SENT_STATUSES,
    DayTally,
    Summary,
    daily_series,
    streaks,
    strength,
    tallies,
    window,
)
from reminder_bot.status import DeliveryStatus as S

TODAY = date(2026, 11, 30)


def days(pattern: str, end: date = TODAY) -> list[DayTally]:
    """One letter per day ending at ``end``: D all done (2 of 2), H half (1 of 2), M missed
    (0 of 2), "." no nudges that day."""
    counts = {"D": (2, 2), "H": (2, 1), "M": (2, 0), ".": (0, 0)}
    first = end - timedelta(days=len(pattern) - 1)
    return [
        DayTally(first + timedelta(days=i), *counts[letter]) for i, letter in enumerate(pattern)
    ]


@pytest.mark.parametrize(
    ("pattern", "length", "expected"),
    [
        ("DDDDDDD", 7, Summary(14, 14)),
        ("MDDDDDDD", 7, Summary(14, 14)),  # the eighth day back is outside the week
        ("HHM....", 7, Summary(2, 6)),
        ("", 7, Summary(0, 0)),
        ("DMH", 1, Summary(1, 2)),  # today alone
    ],
)
def test_window(pattern: str, length: int, expected: Summary) -> None:
    assert window(days(pattern), TODAY, length) == expected


@pytest.mark.parametrize(
    ("summary", "percent"),
    [(Summary(0, 0), None), (Summary(1, 3), 33), (Summary(2, 3), 67), (Summary(5, 5), 100)],
)
def test_percent(summary: Summary, percent: int | None) -> None:
    assert summary.percent == percent


def test_strength_rises_with_done_days_and_stays_below_one() -> None:
    scores = [strength(days("D" * n)) for n in (1, 7, 14, 30, 90, 365)]
    assert scores == sorted(scores)
    assert scores[0] == pytest.approx(1 - 0.5 ** (1 / 13))
    assert 0.5 < scores[2] < 0.55  # two weeks of everything done: just past half
    assert scores[-1] < 1


def test_a_missed_day_lowers_the_score_but_never_zeroes_it() -> None:
    kept = strength(days("D" * 60))
    after_miss = strength(days("D" * 60 + "M"))
    assert after_miss == pytest.approx(kept * 0.5 ** (1 / 13))
    assert strength(days("D" * 60 + "M" * 10)) > 0.3


def test_days_without_nudges_change_nothing() -> None:
    assert strength(days("DD..DD...")) == pytest.approx(strength(days("DDDD")))


def test_half_days_count_half() -> None:
    assert strength(days("H")) == pytest.approx(strength(days("D")) / 2)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", (0, 0)),
        ("DDD", (3, 3)),
        ("DDDMDD", (2, 3)),
        ("DD..D", (3, 3)),  # no nudges on the weekend: the run goes on
        ("DDHMD", (1, 3)),  # a half day keeps the run; a day with none done ends it
        ("DDM", (2, 2)),  # today, still under way, has not broken anything yet
        ("MMDM", (1, 1)),
    ],
)
def test_streaks(pattern: str, expected: tuple[int, int]) -> None:
    assert streaks(days(pattern), TODAY) == expected


def test_daily_series_fills_the_gaps() -> None:
    series = daily_series(days("D.M", end=TODAY - timedelta(days=1)), TODAY, 5)
    assert [t.day for t in series] == [TODAY - timedelta(days=n) for n in (4, 3, 2, 1, 0)]
    assert [(t.sent, t.done) for t in series] == [(0, 0), (2, 2), (0, 0), (2, 0), (0, 0)]


def test_tallies_count_sent_and_done_as_defined_once() -> None:
    """Only what reached the user is sent; only Done is done; the summary is no habit."""
    totals = {
        ("move", TODAY): {S.DONE: 2, S.SKIPPED: 1, S.SNOOZED: 1, S.RESENT: 1, S.SENT: 1},
        ("move", TODAY - timedelta(days=1)): {S.MISSED: 3, S.QUIET: 1, S.STALE: 1, S.FAILED: 1},
        ("hydrate", TODAY): {S.SUPERSEDED: 2, S.BLOCKED: 1, S.QUEUED: 1, S.SENDING: 1},
        ("summary", TODAY): {S.SENT: 1},
    }
    days = tallies(totals)
    assert list(days) == ["hydrate", "move", "posture", "stretch"]
    assert days["move"] == [
        DayTally(TODAY - timedelta(days=1), 0, 0),
        DayTally(TODAY, 6, 2),
    ]
    assert days["hydrate"] == [DayTally(TODAY, 0, 0)]
    assert days["posture"] == days["stretch"] == []
    assert DONE_STATUSES <= SENT_STATUSES
    assert set(SENT_STATUSES) | {S.MISSED, S.QUIET, S.STALE, S.FAILED, S.BLOCKED} | {
        S.SUPERSEDED,
        S.QUEUED,
        S.SENDING,
    } == set(S)
