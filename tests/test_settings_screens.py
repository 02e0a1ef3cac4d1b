"""Every /settings screen, drawn for settings of every shape: the buttons decode, fit 64 bytes,
and every screen but the menu itself has a Back button."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from reminder_bot.callbacks import MAX_BYTES, Screen, Settings, decode
from reminder_bot.handlers.settings_apply import SettingsState
from reminder_bot.handlers.settings_screens import NOTE_ALONE, SCREENS, draw
from reminder_bot.parsing import parse_quiet, parse_rule
from reminder_bot.presets import builtin_presets_dir, load_presets
from reminder_bot.schedule import HABITS
from reminder_bot.store import ScheduleRow, User

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
        assert text == "✅ Saved" if screen in NOTE_ALONE else text.startswith("✅ Saved\n\n")
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


# ----- progress & check-ins, a habit's own pause -----------------------------------------------


def labels_of(screen: Screen, drawn: SettingsState, arg: str = "") -> list[str]:
    _text, markup = draw(screen, arg, drawn, PRESETS)
    return [b.text for row in markup.inline_keyboard for b in row]


@pytest.mark.parametrize(
    ("preset_adaptive", "own", "line", "switch"),
    [
        (True, None, "on (your preset's default)", "turn off"),
        (False, None, "off (your preset's default)", "turn on"),
        (True, False, "off (your choice)", "turn on"),
        (False, True, "on (your choice)", "turn off"),
    ],
)
def test_the_adaptive_timer_says_whether_it_is_the_presets(
    preset_adaptive: bool, own: bool | None, line: str, switch: str
) -> None:
    drawn = replace(STATES[0], preset_adaptive=preset_adaptive)
    drawn = replace(drawn, user=replace(drawn.user, adaptive_move=own))
    text, _markup = draw(Screen.PROGRESS, "", drawn, PRESETS)
    assert "↻ Adaptive move timer: " + line in text
    labels = labels_of(Screen.PROGRESS, drawn)
    assert "↻ Adaptive move timer: " + switch in labels
    assert ("↩️ Timer as my preset has it" in labels) is (own is not None)


@pytest.mark.parametrize(("hours", "shown"), [(2, True), (-1, False)])
def test_a_habit_pause_shows_with_a_resume_button_until_it_ends(hours: int, shown: bool) -> None:
    drawn = replace(STATES[0], habit_pauses={"stretch": NOW + timedelta(hours=hours)})
    for screen, arg in ((Screen.HOME, ""), (Screen.HABIT, "stretch")):
        text, _markup = draw(screen, arg, drawn, PRESETS)
        assert ("⏸ 🤸 Stretch paused until today 10:00." in text) is shown
        assert ("▶️ Resume 🤸 Stretch" in labels_of(screen, drawn, arg)) is shown
    assert "Resume" not in " ".join(labels_of(Screen.HABIT, drawn, "move"))


def test_the_summary_screen_checks_its_day_and_offers_on_when_off() -> None:
    on = replace(STATES[0], extras={"summary": ScheduleRow("summary", "at 17:00 on fri", None)})
    labels = labels_of(Screen.SUMMARY, on)
    assert "✅ Fri" in labels and "⏹ Turn off" in labels and "🕕 At 17:00" in labels
    assert "✅ 17:00" in labels_of(Screen.SUMMARY_TIME, on)
    off = replace(STATES[0], extras={"summary": ScheduleRow("summary", "off", None)})
    labels = labels_of(Screen.SUMMARY, off)
    assert "▶️ Turn on" in labels and not any(label.startswith("✅") for label in labels)
