"""The /settings screens: each one is text and inline buttons drawn from one read of the user's
settings (``SettingsState``). Nothing is remembered between presses: a button's callback data
names the screen it opens or the change it makes (``callbacks.Settings``), so a menu keeps
working across restarts, and drawing the same state twice gives the same message."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from telegram import InlineKeyboardMarkup

from reminder_bot import i18n
from reminder_bot.callbacks import Screen
from reminder_bot.describe import describe_rule, short_day_name
from reminder_bot.handlers.common import habit_label
from reminder_bot.handlers.schedule_settings import COMMON_ZONES, preset_text
from reminder_bot.handlers.settings_apply import (
    STOPPED,
    SettingsState,
    first_due_text,
    habit_due_text,
)
from reminder_bot.handlers.settings_extras import (
    EXTRA_SCREENS,
    habit_pause_line,
    paused_habits,
    resume_buttons,
)
from reminder_bot.handlers.settings_widgets import (
    View,
    back,
    button,
    hour_rows,
    marked,
    rows_of,
)
from reminder_bot.i18n import N_, _
from reminder_bot.presets import Preset
from reminder_bot.rule_text import format_days, format_quiet, format_rule, format_time
from reminder_bot.schedule import ALL_DAYS, HABITS, WEEKDAYS, WEEKENDS, At, Every, Off
from reminder_bot.settings_ops import COMMON_TIMES, INTERVAL_CHOICES, PAUSE_CHOICES

DAY_SETS = (
    (N_("Every day"), "daily", ALL_DAYS),
    (N_("Weekdays"), "weekdays", WEEKDAYS),
    (N_("Weekends"), "weekends", WEEKENDS),
)


def interval_label(minutes: int) -> str:
    """``45 min``, ``2 h``: short enough for a button."""
    if minutes % 60 == 0:
        return _("{n} h").format(n=minutes // 60)
    return _("{n} min").format(n=minutes)


def habit_head(state: SettingsState, habit: str) -> str:
    """``🚶 Move: every 45 minutes from 09:00 to 17:30, Monday to Friday``."""
    rule = html.escape(describe_rule(state.rule(habit)), quote=False)
    return f"{habit_label(habit)}: <b>{rule}</b>"


# ----- the menu and one habit --------------------------------------------------------------------


def home_screen(state: SettingsState, arg: str) -> View:
    user = state.user
    lines = ["⚙️ <b>" + _("Settings") + "</b>", ""]
    lines += [habit_head(state, habit) for habit in HABITS]
    lines.append("")
    quiet = format_quiet(user.quiet) if user.quiet is not None else _("none")
    lines.append("🌙 " + _("Quiet hours: {quiet}").format(quiet=quiet))
    lines.append("🌍 " + _("Time zone: {zone}").format(zone=html.escape(user.timezone)))
    if state.paused_until is not None and user.active:
        lines.append("⏸ " + _("Paused until {when}.").format(when=state.when(state.paused_until)))
    paused = paused_habits(state) if user.active else []
    lines += [habit_pause_line(state, habit) for habit in paused]
    lines += ["", first_due_text(state)]
    habits = [button(habit_label(habit), Screen.HABIT, habit) for habit in HABITS]
    keyboard = rows_of(habits, 2) + [
        [button("🌙 " + _("Quiet hours"), Screen.QUIET), button("⏸ " + _("Pause"), Screen.PAUSE)],
        [button("🌍 " + _("Time zone"), Screen.ZONE), button("📋 " + _("Preset"), Screen.PRESET)],
        [button("📈 " + _("Progress & check-ins"), Screen.PROGRESS)],
        [button("🗣 " + _("Language"), Screen.LANGUAGE), button("✖️ " + _("Close"), Screen.CLOSE)],
    ]
    return "\n".join(lines), resume_buttons(state, paused) + keyboard


def habit_screen(state: SettingsState, habit: str) -> View:
    rule = state.rule(habit)
    text = habit_head(state, habit) + "\n" + habit_due_text(state, habit)
    paused = [habit] if state.user.active and state.habit_paused_until(habit) else []
    if paused:
        text += "\n" + habit_pause_line(state, habit)
    if isinstance(rule, Off):
        switch = button("▶️ " + _("Turn on"), Screen.HABIT_ON, habit)
    else:
        switch = button("⏹ " + _("Turn off"), Screen.HABIT_OFF, habit)
    every = _("Every {interval}").format(
        interval=interval_label(rule.minutes) if isinstance(rule, Every) else "…"
    )
    keyboard = [*resume_buttons(state, paused), [switch]]
    keyboard.append([button("⏱ " + every, Screen.EVERY, habit)])
    if isinstance(rule, Every):
        first = _("From {time}").format(time=format_time(rule.start))
        last = _("Until {time}").format(time=format_time(rule.end))
        keyboard.append(
            [button("🌅 " + first, Screen.START, habit), button("🌇 " + last, Screen.END, habit)]
        )
    times = button("🕛 " + _("Fixed times"), Screen.TIMES, habit)
    if isinstance(rule, Off):
        keyboard.append([times])
    else:
        keyboard.append([button("📅 " + _("Days"), Screen.DAYS, habit), times])
    return text, keyboard + [back(Screen.HOME)]


def every_screen(state: SettingsState, habit: str) -> View:
    rule = state.rule(habit)
    current = rule.minutes if isinstance(rule, Every) else None
    text = habit_head(state, habit) + "\n\n" + _("How often?")
    if current is None:
        text += " " + _("Nudges come from 09:00 to 18:00 until you change the hours.")
    choices = [
        button(marked(interval_label(m), m == current), Screen.SET_EVERY, f"{habit}:{m}")
        for m in INTERVAL_CHOICES
    ]
    return text, rows_of(choices, 3) + [back(Screen.HABIT, habit)]


def window_screen(state: SettingsState, habit: str, first: bool) -> View:
    rule = state.rule(habit)
    if not isinstance(rule, Every):
        return habit_screen(state, habit)  # only an "every" rule has a window
    if first:
        ask, selected, change = _("First nudge of the day at:"), rule.start, Screen.SET_START
    else:
        ask, selected, change = _("Last nudge of the day at the latest:"), rule.end, Screen.SET_END
    text = habit_head(state, habit) + "\n\n" + ask
    return text, hour_rows(selected, change, f"{habit}:") + [back(Screen.HABIT, habit)]


def days_screen(state: SettingsState, habit: str) -> View:
    rule = state.rule(habit)
    if isinstance(rule, Off):
        return habit_screen(state, habit)  # a habit that is off has no days
    text = habit_head(state, habit) + "\n\n" + _("Which days? Tap a day to add or remove it.")
    sets = [
        button(marked(_(label), rule.days == days), Screen.SET_DAYS, f"{habit}:{word}")
        for label, word, days in DAY_SETS
    ]
    days = [
        button(
            ("✅ " if day in rule.days else "▫️ ") + short_day_name(day),
            Screen.SET_DAY,
            f"{habit}:{day}:{0 if day in rule.days else 1}",
        )
        for day in range(7)
    ]
    return text, [sets, *rows_of(days, 4), back(Screen.HABIT, habit)]


def times_screen(state: SettingsState, habit: str) -> View:
    rule = state.rule(habit)
    chosen = set(rule.times) if isinstance(rule, At) else set()
    if isinstance(rule, At):
        ask = _("Tap a time to add or remove it.")
    else:
        ask = _("Tap a time to nudge at fixed times instead.")
    text = habit_head(state, habit) + "\n\n" + ask
    choices = [
        button(
            marked(format_time(value), value in chosen),
            Screen.SET_TIME,
            f"{habit}:{value:%H%M}:{0 if value in chosen else 1}",
        )
        for value in sorted(set(COMMON_TIMES) | chosen)
    ]
    other = [button("⌨️ " + _("Other times…"), Screen.TYPE_TIMES, habit)]
    return text, [*rows_of(choices, 4), other, back(Screen.HABIT, habit)]


def type_times_screen(state: SettingsState, habit: str) -> View:
    rule = state.rule(habit)
    if isinstance(rule, At):
        example = format_rule(rule)
    else:
        example = "at 12:30 " + format_days(ALL_DAYS if isinstance(rule, Off) else rule.days)
    command = html.escape(f"/schedule {habit} {example}", quote=False)
    text = (
        habit_head(state, habit)
        + "\n\n"
        + _("For other times, type the command with your times, for example:")
        + f"\n<code>{command}</code>"
    )
    return text, [back(Screen.TIMES, habit)]


# ----- quiet hours, pause, time zone, preset -----------------------------------------------------


def quiet_screen(state: SettingsState, arg: str) -> View:
    quiet = state.user.quiet
    text = "🌙 <b>" + _("Quiet hours") + "</b>\n"
    if quiet is None:
        text += _("You have none. Pick when they start and end to have some.")
    else:
        text += _("No nudges from {start} to {end}.").format(
            start=format_time(quiet.start), end=format_time(quiet.end)
        )
    start = format_time(quiet.start) if quiet is not None else "…"
    end = format_time(quiet.end) if quiet is not None else "…"
    keyboard = [
        [
            button("🌙 " + _("From {time}").format(time=start), Screen.QUIET_START),
            button("☀️ " + _("Until {time}").format(time=end), Screen.QUIET_END),
        ]
    ]
    if quiet is not None:
        keyboard.append([button("🔔 " + _("No quiet hours"), Screen.QUIET_OFF)])
    return text, keyboard + [back(Screen.HOME)]


def quiet_hour_screen(state: SettingsState, first: bool) -> View:
    quiet = state.user.quiet
    if first:
        ask, change = _("Quiet hours start at:"), Screen.SET_QUIET_START
        selected = quiet.start if quiet is not None else None
    else:
        ask, change = _("Quiet hours end at:"), Screen.SET_QUIET_END
        selected = quiet.end if quiet is not None else None
    text = "🌙 <b>" + _("Quiet hours") + "</b>\n" + ask
    return text, hour_rows(selected, change) + [back(Screen.QUIET)]


def pause_screen(state: SettingsState, arg: str) -> View:
    until = state.paused_until
    text = "⏸ <b>" + _("Pause") + "</b>\n"
    if not state.user.active:
        text += _(STOPPED)
    elif until is not None:
        text += _("Paused until {when}.").format(when=state.when(until))
    else:
        text += _("Pause every nudge for:")
    choices = [
        button(_(label), Screen.PAUSE_FOR, code) for code, (label, _text) in PAUSE_CHOICES.items()
    ]
    keyboard = rows_of(choices, 3)
    if until is not None:
        keyboard.append([button("▶️ " + _("Resume now"), Screen.RESUME)])
    return text, keyboard + [back(Screen.HOME)]


def zone_screen(state: SettingsState, arg: str) -> View:
    user = state.user
    local = state.now.astimezone(user.zone)
    text = (
        "🌍 "
        + _("Your time zone is <b>{zone}</b> (your time now: {time}).").format(
            zone=html.escape(user.timezone), time=f"{local:%H:%M}"
        )
        + "\n"
        + _("Pick one, share your location, or type it: <code>/timezone Asia/Tokyo</code>")
    )
    zones = [button(marked(z, z == user.timezone), Screen.SET_ZONE, z) for z in COMMON_ZONES]
    where = [button("📍 " + _("Share my location"), Screen.LOCATION)]
    return text, [*rows_of(zones, 2), where, back(Screen.HOME)]


def preset_screen(state: SettingsState, presets: Mapping[str, Preset]) -> View:
    text = preset_text(presets, state.user.preset)
    text += "\n" + _("A preset replaces the schedule of every habit and the quiet hours.")
    choices = [
        [button(marked(name, name == state.user.preset), Screen.SET_PRESET, name)]
        for name in sorted(presets)
    ]
    return text, [*choices, back(Screen.HOME)]


def language_screen(state: SettingsState, arg: str) -> View:
    current = i18n.pick_language(state.user.language)
    text = "🗣 " + _("Which language should I write to you in?")
    choices = [
        button(marked(i18n.language_name(code), code == current), Screen.SET_LANGUAGE, code)
        for code in i18n.LANGUAGES
    ]
    return text, [choices, back(Screen.HOME)]


SCREENS: dict[Screen, Callable[[SettingsState, str], View]] = {
    Screen.HOME: home_screen,
    Screen.HABIT: habit_screen,
    Screen.EVERY: every_screen,
    Screen.START: lambda state, habit: window_screen(state, habit, first=True),
    Screen.END: lambda state, habit: window_screen(state, habit, first=False),
    Screen.DAYS: days_screen,
    Screen.TIMES: times_screen,
    Screen.TYPE_TIMES: type_times_screen,
    Screen.QUIET: quiet_screen,
    Screen.QUIET_START: lambda state, arg: quiet_hour_screen(state, first=True),
    Screen.QUIET_END: lambda state, arg: quiet_hour_screen(state, first=False),
    Screen.PAUSE: pause_screen,
    Screen.ZONE: zone_screen,
    Screen.LANGUAGE: language_screen,
    **EXTRA_SCREENS,
}


# Screens a change's note replaces rather than tops.
NOTE_ALONE = (Screen.HABIT, Screen.SUMMARY, Screen.CHECKIN)


def draw(
    screen: Screen,
    arg: str,
    state: SettingsState,
    presets: Mapping[str, Preset],
    note: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    """The message for ``screen`` (``note``, what just changed, above it)."""
    if screen is Screen.PRESET:
        text, keyboard = preset_screen(state, presets)
    else:
        text, keyboard = SCREENS[screen](state, arg)
    if note and screen in NOTE_ALONE:
        # The note already says the rule and when it comes next: the screen would repeat it.
        text = note
    elif note:
        text = f"{note}\n\n{text}"
    return text, InlineKeyboardMarkup(keyboard)
