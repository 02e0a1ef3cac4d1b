"""The global pace (reminder_bot/pacing.py): never more than the cap in any window, and the
lateness of a wake-up carried as credit so the whole cap is used. Pure time math, no sleeping."""

from __future__ import annotations

import math
import random

import pytest

from reminder_bot.pacing import WindowPace


def drive(pace: WindowPace, wakes: list[float], until: float) -> list[float]:
    """A pump that grants whatever is free at once and otherwise sleeps until the next free
    instant, its timer firing ``wakes[i]`` seconds late; the grant instants up to ``until``."""
    grants: list[float] = []
    now = 0.0
    i = 0
    while True:
        free_at = pace.free_at()
        if now < free_at:
            now = free_at + wakes[i % len(wakes)]
            i += 1
        if now > until:
            return grants
        pace.grant(now)
        grants.append(now)


def most_in_any_window(grants: list[float], window: float) -> int:
    """The most grants in any half-open window [s, s + window)."""
    most = 0
    start = 0
    for end, t in enumerate(grants):
        while t - grants[start] >= window - 1e-9:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.mark.parametrize(
    ("rate", "limit", "window"),
    [
        (30.0, 30, 1.0),
        (300.0, 300, 1.0),
        (29.5, 29, 1.0),
        (7.5, 7, 1.0),
        (1.0, 1, 1.0),
        (0.5, 1, 2.0),
    ],
)
def test_limit_and_window_follow_the_rate(rate: float, limit: int, window: float) -> None:
    pace = WindowPace(rate)
    assert (pace.limit, pace.window) == (limit, pytest.approx(window))


@pytest.mark.parametrize("rate", [30.0, 300.0, 7.5])
@pytest.mark.parametrize("max_late", [0.0, 0.002, 0.02, 0.3])
def test_never_more_than_the_cap_in_any_window(rate: float, max_late: float) -> None:
    rng = random.Random(f"{rate}-{max_late}")
    pace = WindowPace(rate)
    grants = drive(pace, [rng.uniform(0, max_late) for _ in range(997)], until=20.0)
    assert most_in_any_window(grants, pace.window) <= pace.limit
    assert most_in_any_window(grants, 1.0) <= max(1, math.floor(rate))


@pytest.mark.parametrize("rate", [30.0, 300.0])
@pytest.mark.parametrize("max_late", [0.002, 0.01])
def test_timer_lateness_is_carried_as_credit(rate: float, max_late: float) -> None:
    """Every wake-up late by up to ``max_late``: the window keeps >= 98% of the cap where a
    fixed interval loses the lateness on every grant."""
    rng = random.Random(f"credit-{rate}-{max_late}")
    wakes = [rng.uniform(0, max_late) for _ in range(1009)]
    grants = drive(WindowPace(rate), wakes, until=30.0)
    assert len(grants) >= 0.98 * rate * 30
    fixed = 0
    now = 0.0
    i = 0
    while now <= 30.0:
        now += 1 / rate + wakes[i % len(wakes)]
        fixed += 1
        i += 1
    assert len(grants) > fixed


def test_one_late_wake_is_caught_up_without_a_burst_past_the_cap() -> None:
    pace = WindowPace(30.0)
    for i in range(30):
        pace.grant(i / 30)
    assert pace.free_at() == pytest.approx(1.0)
    pace.grant(1.2)  # a timer 200 ms late
    # The next ones may go at once (30/s credit kept), each still one window after its peer.
    assert pace.free_at() == pytest.approx(1 + 1 / 30)
    pace.grant(1.2)
    assert pace.free_at() == pytest.approx(1 + 2 / 30)


def test_after_idle_the_credit_is_one_window_at_most() -> None:
    pace = WindowPace(30.0)
    for _ in range(30):
        assert pace.free_at() <= 100.0
        pace.grant(100.0)
    assert pace.free_at() == pytest.approx(101.0)


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        WindowPace(0)


def test_a_margin_widens_the_window_for_the_receivers_clock() -> None:
    pace = WindowPace(30.0, margin=0.01)
    assert (pace.limit, pace.window) == (30, pytest.approx(1.01))
    grants = drive(pace, [0.0], until=10.0)
    assert most_in_any_window(grants, 1.01) <= 30
    assert len(grants) >= 0.98 * 30 * 10


def test_a_new_pace_starts_steady_without_a_burst() -> None:
    """A restart within a second of a crash may follow the old process's sends: the new pace
    starts at the rate, with no second's worth of credit on top."""
    pace = WindowPace(30.0, steady_at=100.0)
    assert pace.free_at() == pytest.approx(100.0 + 1 / 30)
    grants = drive(pace, [0.0], until=101.0)
    assert len(grants) <= 30
    # Whatever the old process sent in its last second at the pace, a second holds 31 at most.
    assert most_in_any_window([99.0 + i / 30 for i in range(1, 31)] + grants, 1.0) <= 31
