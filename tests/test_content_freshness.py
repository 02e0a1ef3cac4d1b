"""Fresher nudges: on the default preset no nudge text comes back within 3 days for any habit.

Thirty days of the desk-worker preset are claimed from a real SQLite store (its schedule rows
come from ``schedule.next_occurrence``, its bags in ``nudge_cycles`` from ``content.next_nudge``)
for users in three zones; the rendered texts are compared in English and in Spanish.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_bot import i18n
from reminder_bot.content import Content, load_content, render_nudge
from reminder_bot.content.choice import hold_back, next_nudge
from reminder_bot.presets import builtin_presets_dir, load_preset
from reminder_bot.schedule import EXTRAS, next_occurrence
from reminder_bot.store import open_database
from reminder_bot.store.sql import Sql

DAYS = 30
WINDOW = timedelta(days=3)
START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday, with a DST change inside the 30 days
ZONES = ("Europe/Madrid", "America/New_York", "Asia/Kolkata")
PRESET = load_preset(builtin_presets_dir() / "desk-worker.toml")
WORK = {PRESET.name: PRESET.work}
CONTENT = load_content()
Draw = tuple[datetime, str]


def _slots(habit: str, zone: ZoneInfo, start: datetime) -> list[datetime]:
    rule, slots, now = PRESET.rules[habit], [], start
    while (slot := next_occurrence(rule, zone, now, quiet=PRESET.quiet)) and slot < start + (
        timedelta(days=DAYS)
    ):
        slots.append(slot)
        now = slot
    return slots


def _draws(tmp_path: Path, seed: int, content: Content) -> dict[tuple[int, str], list[Draw]]:
    """(slot, nudge id) by (user, habit) for 30 days of the preset, as the store claims them:
    its schedule rows (``next_occurrence``), its bags in ``nudge_cycles``, ``next_nudge``."""
    nudge_ids = {name: [nudge.id for nudge in nudges] for name, nudges in content.nudges.items()}
    sql = Sql(open_database(tmp_path / f"{seed}.sqlite3"), nudge_ids, random.Random(seed), WORK)
    for user_id, zone in enumerate(ZONES):
        sql.start_user(user_id, user_id, "U", "en", zone, PRESET, START)
    draws: dict[tuple[int, str], list[Draw]] = defaultdict(list)
    wake: datetime | None = START
    while wake is not None and wake < START + timedelta(days=DAYS):
        claim = sql.claim(wake, limit=100, catch_up=timedelta(minutes=1))
        for delivery in claim.deliveries:
            if delivery.habit in EXTRAS:  # the weekly summary: no nudge text
                continue
            assert delivery.nudge_id is not None
            draws[delivery.user_id, delivery.habit].append((delivery.slot, delivery.nudge_id))
        wake = claim.next_wake
    sql.conn.close()
    return draws


def _repeats(draws: list[Draw], text: dict[str, str]) -> list[str]:
    last_sent: dict[str, datetime] = {}
    repeats = []
    for slot, nudge_id in draws:
        body = text[nudge_id]
        if body in last_sent and slot - last_sent[body] < WINDOW:
            repeats.append(f"{nudge_id} at {slot} and {last_sent[body]}")
        last_sent[body] = slot
    return repeats


def _texts(language: str) -> dict[str, str]:
    with i18n.language(language):
        return {
            nudge.id: render_nudge(nudge, CONTENT.disclaimer_short)
            for nudges in CONTENT.nudges.values()
            for nudge in nudges
        }


@pytest.mark.parametrize("seed", [0, 1])
def test_no_nudge_text_repeats_within_three_days(tmp_path: Path, seed: int) -> None:
    draws = _draws(tmp_path, seed, CONTENT)
    assert {habit for _, habit in draws} == set(PRESET.rules)
    for language in ("en", "es"):
        text = _texts(language)
        assert len(set(text.values())) == len(text)  # distinct ids give distinct texts
        for (user_id, habit), sent in draws.items():
            assert len(sent) >= 20
            assert _repeats(sent, text) == [], (language, ZONES[user_id], habit)


def test_the_old_bag_repeated_within_three_days(tmp_path: Path) -> None:
    """The check can fail: the move set cut to 12 nudges (the count before) repeats itself."""
    move = CONTENT.nudges["move"][:12]
    cut = Content({**CONTENT.nudges, "move": move}, CONTENT.relief, CONTENT.redflags, "", "")
    sent = _draws(tmp_path, 0, cut)[0, "move"]
    assert _repeats(sent, {nudge.id: nudge.text for nudge in move}) != []


@pytest.mark.parametrize("habit", ["hydrate", "move", "posture"])
def test_each_habit_has_twenty_nudges_and_holds_back_enough(habit: str) -> None:
    """A set's hold-back must cover the most slots of its habit in any 3 days of the preset."""
    ids = CONTENT.nudge_ids(habit)
    assert len(ids) >= 20
    slots = _slots(habit, ZoneInfo("UTC"), START)
    busiest = max(sum(1 for other in slots if slot <= other < slot + WINDOW) for slot in slots)
    assert hold_back(len(ids)) + 1 >= busiest


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=50), seed=st.integers(min_value=0, max_value=2**32))
def test_no_id_comes_back_within_the_hold_back(n: int, seed: int) -> None:
    """Across cycle boundaries too: an id is followed by at least ``hold_back(n)`` others."""
    ids, seen, last, rng, sent = [f"n{i}" for i in range(n)], [], None, random.Random(seed), []
    for _ in range(4 * n):
        last, seen = next_nudge(ids, seen, last, rng)
        sent.append(last)
    gap = hold_back(n) + 1 if n > 1 else 1
    for index, nudge_id in enumerate(sent):
        assert nudge_id not in sent[index + 1 : index + gap]
    for cycle in range(4):  # still a shuffle bag: each cycle is the whole set once
        assert sorted(sent[cycle * n : (cycle + 1) * n]) == sorted(ids)
