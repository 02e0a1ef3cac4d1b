"""Every /settings screen, drawn for settings of every shape: the buttons decode, fit 64 bytes,
and every screen but the menu itself has a Back button."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from reminder_bot.callbacks import MAX_BYTES, Screen, Settings, decode
from reminder_bot.handlers.settings_apply import SettingsState
from reminder_bot.handlers.settings_screens import SCREENS, draw
from reminder_bot.parsing import parse_quiet, parse_rule
from reminder_bot.presets import builtin_presets_dir, load_presets
from reminder_bot.schedule import HABITS
from reminder_bot.store import User

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
RULES = ("every 45m from 09:00 to 17:30 on weekdays", "at 10:00,15:00 on mon,sat", "off")
HABIT_SCREENS = (
    *(Screen.HABIT, Screen.EVERY, Screen.START, Screen.END),
    *(Screen.DAYS, Screen.TIMES, Screen.TYPE_TIMES),
)
PRESETS = load_presets(builtin_presets_dir())


def state(rule: str, quiet: str | None, paused: bool, active: bool = True) -> SettingsState:
    user = User(
        id=1,
        chat_id=1,
        first_name="Ada",
        language="en",
        timezone="Europe/Berlin",
        quiet=parse_quiet(quiet) if quiet else None,
        paused_until=NOW + timedelta(hours=2) if paused else None,
        active=active,
        preset="desk-worker",
    )
    rules = {habit: parse_rule(rule) for habit in HABITS}
    due = {habit: None if rule == "off" else NOW + timedelta(hours=3) for habit in HABITS}
    return SettingsState(user, rules, due, NOW)


STATES = [
    state(rule, quiet, paused, active)
    for rule, quiet, paused, active in itertools.product(
        RULES, ("22:00-07:00", None), (False, True), (True, False)
    )
]


@pytest.mark.parametrize("screen", [*SCREENS, Screen.PRESET], ids=str)
def test_every_screen_draws_valid_buttons_and_a_way_back(screen: Screen) -> None:
    for drawn in STATES:
        arg = "move" if screen in HABIT_SCREENS else ""
        text, markup = draw(screen, arg, drawn, PRESETS, note="✅ Saved")
        # A habit's screen is its rule and next nudge, which the note of a change already says.
        assert text == "✅ Saved" if screen is Screen.HABIT else text.startswith("✅ Saved\n\n")
        pressed = [decode(b.callback_data) for row in markup.inline_keyboard for b in row]
        assert all(isinstance(p, Settings) for p in pressed)
        assert all(
            len(str(b.callback_data).encode()) <= MAX_BYTES
            for row in markup.inline_keyboard
            for b in row
        )
        labels = [b.text for row in markup.inline_keyboard for b in row]
        if screen is Screen.HOME:
            assert "✖️ Close" in labels
        else:
            assert labels[-1] == "⬅️ Back", (screen, labels)


def test_the_same_settings_draw_the_same_message() -> None:
    first = draw(Screen.HOME, "", STATES[0], PRESETS)
    again = draw(Screen.HOME, "", STATES[0], PRESETS)
    assert first == again


def test_the_menu_lists_every_setting() -> None:
    text, _markup = draw(Screen.HOME, "", state(RULES[0], None, paused=True), PRESETS)
    for line in ("🚶 Move: <b>every 45 minutes", "Quiet hours: none", "Time zone: Europe/Berlin"):
        assert line in text
    assert "Paused until today 10:00" in text


def test_the_picked_choice_is_checked() -> None:
    _text, markup = draw(Screen.EVERY, "move", STATES[0], PRESETS)
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert "✅ 45 min" in labels and "30 min" in labels
