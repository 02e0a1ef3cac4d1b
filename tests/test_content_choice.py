"""Choosing the next nudge: a shuffle bag without immediate repeats."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_bot.content import choose_nudge, next_nudge


def _draw(ids: list[str], count: int, seed: int) -> list[tuple[str, bool]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    last: str | None = None
    draws = []
    for _ in range(count):
        chosen, restarted = choose_nudge(ids, seen, last, rng)
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
