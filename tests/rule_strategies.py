"""Hypothesis strategies for any valid rule, shared by the rule-text and description tests."""

from __future__ import annotations

from datetime import time

from hypothesis import strategies as st

from reminder_bot.schedule import At, Every, Off, Rule

whole_minutes = st.builds(time, st.integers(0, 23), st.integers(0, 59))
day_sets = st.frozensets(st.integers(0, 6), min_size=1)


@st.composite
def everies(draw: st.DrawFn) -> Every:
    start = draw(whole_minutes)
    end = draw(whole_minutes.filter(lambda value: value != start))
    return Every(draw(st.integers(5, 1440)), start, end, draw(day_sets))


ats = st.builds(
    lambda times, days: At(tuple(sorted(times)), days),
    st.lists(whole_minutes, min_size=1, max_size=24, unique=True),
    day_sets,
)

rules: st.SearchStrategy[Rule] = st.one_of(everies(), ats, st.just(Off()))
