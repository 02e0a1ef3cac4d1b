"""Choosing the next nudge: a shuffle bag without immediate repeats."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_bot.content import NUDGE_SET_NAMES, choose_nudge, next_nudge, nudge_set
from reminder_bot.content.choice import hold_back


def _draw(ids: list[str], count: int, seed: int) -> list[tuple[str, bool]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    last: str | None = None
    draws: list[tuple[str, bool]] = []
    keep = hold_back(len(ids))  # a new cycle holds back the last cycle's final ids
    for _ in range(count):
        recent = [c for c, _ in draws][-keep:] if keep else []
        chosen, restarted = choose_nudge(ids, seen, last, rng, recent)
        seen = {chosen} if restarted else seen | {chosen}
        last = chosen
        draws.append((chosen, restarted))
    return draws


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=14),
    count=st.integers(min_value=1, max_value=80),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_choose_nudge_full_cycle_before_repeat_and_no_immediate_repeat(
    n: int, count: int, seed: int
) -> None:
    ids = [f"n{i}" for i in range(n)]
    draws = _draw(ids, count, seed)
    chosen = [c for c, _ in draws]
    if n > 1:
        assert all(a != b for a, b in zip(chosen, chosen[1:], strict=False))
    # cut the sequence into cycles where a restart is reported
    cycles: list[list[str]] = [[]]
    for index, (choice, restarted) in enumerate(draws):
        assert not (restarted and index == 0)
        if restarted:
            cycles.append([])
        cycles[-1].append(choice)
    for cycle in cycles[:-1]:
        assert sorted(cycle) == sorted(ids)  # the whole set, each once
    assert len(set(cycles[-1])) == len(cycles[-1])  # the current cycle has no repeat yet


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=10),
    data=st.data(),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_choose_nudge_from_any_state(n: int, data: st.DataObject, seed: int) -> None:
    ids = [f"n{i}" for i in range(n)]
    seen = data.draw(st.sets(st.sampled_from(ids + ["gone"])))
    last = data.draw(st.none() | st.sampled_from(ids + ["gone"]))
    chosen, restarted = choose_nudge(ids, seen, last, random.Random(seed))
    assert chosen in ids
    assert restarted == set(ids).issubset(seen)
    if not restarted:
        assert chosen not in seen
    if n > 1 and (restarted or set(ids) - seen != {last}):
        assert chosen != last


def test_choose_nudge_with_one_and_two_ids() -> None:
    assert [c for c, _ in _draw(["only"], 4, seed=1)] == ["only"] * 4
    assert [r for _, r in _draw(["only"], 4, seed=1)] == [False, True, True, True]
    pair = [c for c, _ in _draw(["a", "b"], 10, seed=7)]
    assert all(a != b for a, b in zip(pair, pair[1:], strict=False))


def test_choose_nudge_is_deterministic_for_a_seed() -> None:
    assert _draw(list("abcdef"), 30, seed=3) == _draw(list("abcdef"), 30, seed=3)


def test_choose_nudge_needs_ids() -> None:
    with pytest.raises(ValueError):
        choose_nudge([], set(), None, random.Random(0))


def test_next_nudge_extends_the_seen_list_within_a_cycle() -> None:
    chosen, seen = next_nudge(["a", "b", "c"], ["a"], "a", random.Random(0))
    assert chosen in ("b", "c")
    assert seen == ["a", chosen]


def test_next_nudge_restarts_the_seen_list_after_a_full_cycle() -> None:
    chosen, seen = next_nudge(["a", "b"], ["a", "b"], "b", random.Random(0))
    assert (chosen, seen) == ("a", ["a"])


def test_next_nudge_keeps_stale_ids_until_the_cycle_restarts() -> None:
    chosen, seen = next_nudge(["a", "b"], ["gone"], None, random.Random(0))
    assert seen == ["gone", chosen]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=8), seed=st.integers(min_value=0, max_value=2**32))
def test_next_nudge_agrees_with_choose_nudge(n: int, seed: int) -> None:
    """Stored state threaded through next_nudge gives the same draws as choose_nudge."""
    ids = [f"n{i}" for i in range(n)]
    seen: list[str] = []
    last: str | None = None
    rng = random.Random(seed)
    draws = []
    for _ in range(3 * n):
        last, seen = next_nudge(ids, seen, last, rng)
        draws.append(last)
    assert draws == [chosen for chosen, _ in _draw(ids, 3 * n, seed)]


def test_next_nudge_needs_ids() -> None:
    with pytest.raises(ValueError):
        next_nudge([], [], None, random.Random(0))


BERLIN = ZoneInfo("Europe/Berlin")


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in Berlin in the week of Monday 23 November 2026 (day 0 = Monday)."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("habit", "slot", "work", "expected"),
    [
        # stretch: a desk stretch on weekday daytime slots, an activity at weekends or from 17:00
        ("stretch", _local(0, 12, 30), "sitting", "stretch"),
        ("stretch", _local(4, 7, 0), "sitting", "stretch"),
        ("stretch", _local(4, 16, 59), "sitting", "stretch"),
        ("stretch", _local(2, 17, 0), "sitting", "activity"),
        ("stretch", _local(2, 21, 30), "sitting", "activity"),
        ("stretch", _local(5, 12, 30), "sitting", "activity"),
        ("stretch", _local(6, 8, 0), "sitting", "activity"),
        ("stretch", _local(6, 8, 0), "standing", "activity"),
        ("stretch", _local(1, 10, 0), "standing", "stretch"),
        # move: worded for the preset's work where the content has a set for it
        ("move", _local(0, 10, 30), "sitting", "move"),
        ("move", _local(0, 10, 30), "standing", "move-standing"),
        ("move", _local(5, 18, 0), "standing", "move-standing"),
        # the others have one set each
        ("hydrate", _local(5, 18, 0), "standing", "hydrate"),
        ("posture", _local(0, 11, 0), "standing", "posture"),
    ],
)
def test_nudge_set(habit: str, slot: datetime, work: str, expected: str) -> None:
    assert nudge_set(habit, slot, work) == expected
    assert expected in NUDGE_SET_NAMES


def test_nudge_set_reads_the_local_time_it_is_given() -> None:
    """16:30 UTC on a Monday is 17:30 in Berlin: the caller passes the slot's local time."""
    slot = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)
    assert nudge_set("stretch", slot) == "stretch"
    assert nudge_set("stretch", slot.astimezone(BERLIN)) == "activity"
    # Saturday 00:30 in Tokyo is still Friday afternoon in UTC.
    tokyo = datetime(2026, 11, 28, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert nudge_set("stretch", tokyo) == "activity"
    assert nudge_set("stretch", tokyo.astimezone(UTC)) == "stretch"
