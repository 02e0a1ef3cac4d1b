"""The /settings screens past the habits: "📈 Progress & check-ins" (the weekly summary, the
daily pain check-in, the adaptive move timer) and a habit's own pause, with the lines that
/summary, /checkin and /schedule show of the same settings. Drawn from one ``SettingsState``
like every other screen (``settings_screens``)."""

from __future__ import annotations

from collections.abc import Callable

from reminder_bot.callbacks import Screen
from reminder_bot.describe import day_name, short_day_name
from reminder_bot.handlers import settings_widgets
from reminder_bot.handlers.common import habit_label
from reminder_bot.handlers.settings_apply import SettingsState, habit_due_text
from reminder_bot.handlers.settings_widgets import Keyboard, View, back, button, marked, rows_of
from reminder_bot.i18n import N_, _
from reminder_bot.rule_text import format_quiet, format_time
from reminder_bot.schedule import CHECKIN, HABITS, SUMMARY, At, slot_is_quiet

PROGRESS_TITLE = "📈 <b>{title}</b>"

# ----- lines -------------------------------------------------------------------------------------


def summary_line(state: SettingsState) -> str:
    """``📬 Weekly summary: Sunday at 18:00`` or ``… off``."""
    rule = state.extra_rule(SUMMARY)
    if not isinstance(rule, At):
        return "📬 " + _("Weekly summary: off")
    days = " / ".join(day_name(day) for day in sorted(rule.days))
    return "📬 " + _("Weekly summary: {day} at {time}").format(
        day=days, time=", ".join(format_time(t) for t in rule.times)
    )


def checkin_line(state: SettingsState) -> str:
    """``🩺 Pain check-in: every day at 20:00`` or ``… off``."""
    rule = state.extra_rule(CHECKIN)
    if not isinstance(rule, At):
        return "🩺 " + _("Pain check-in: off")
    return "🩺 " + _("Pain check-in: every day at {time}").format(
        time=", ".join(format_time(t) for t in rule.times)
    )


def adaptive_line(state: SettingsState) -> str:
    """Whether Done on move restarts its interval, and whether that is the preset's default."""
    on = state.adaptive
    if state.user.adaptive_move is None:
        whose = _("your preset's default")
    else:
        whose = _("your choice")
    if on:
        return "↻ " + _("Adaptive move timer: on ({whose})").format(whose=whose)
    return "↻ " + _("Adaptive move timer: off ({whose})").format(whose=whose)


def extra_next(state: SettingsState, kind: str) -> str:
    """``Next: Sun 6 Dec 18:00.`` for the summary or check-in, nothing when off, or a warning
    when its time falls in the quiet hours (it would never come)."""
    rule, quiet = state.extra_rule(kind), state.user.quiet
    if (
        isinstance(rule, At)
        and quiet is not None
        and all(slot_is_quiet(value, quiet) for value in rule.times)
    ):
        return "⚠️ " + _(
            "That time is in your quiet hours ({quiet}), so it would never come: pick another."
        ).format(quiet=format_quiet(quiet))
    row = state.extras.get(kind)
    if row is None or row.next_due is None or not state.user.active:
        return ""
    return _("Next: {when}.").format(when=state.when(row.next_due))


def habit_pause_line(state: SettingsState, habit: str) -> str:
    """``⏸ 🤸 Stretch paused until Tue 8 Dec 09:00.``, or nothing."""
    until = state.habit_paused_until(habit)
    if until is None:
        return ""
    return "⏸ " + _("{habit} paused until {when}.").format(
        habit=habit_label(habit), when=state.when(until)
    )


def paused_habits(state: SettingsState) -> list[str]:
    return [habit for habit in HABITS if state.habit_paused_until(habit) is not None]


def resume_buttons(state: SettingsState, habits: list[str]) -> Keyboard:
    """One "▶️ Resume <habit>" row for each habit paused on its own."""
    label = "▶️ " + _("Resume {habit}")
    return [[button(label.format(habit=habit_label(h)), Screen.HABIT_RESUME, h)] for h in habits]


# ----- notes on a change -------------------------------------------------------------------------

SUMMARY_ABOUT = N_("Each week I send you a chart of your habits and the week's figures.")
CHECKIN_ABOUT = N_(
    "Once a day I ask how much pain you have, from 0 (none) to 10 (worst): one tap. "
    "/stats shows the trend beside your habits."
)


def _with_next(head: str, state: SettingsState, kind: str) -> str:
    following = extra_next(state, kind)
    return f"✅ {head}\n{following}" if following else f"✅ {head}"


def summary_note(state: SettingsState) -> str:
    return _with_next(summary_line(state), state, SUMMARY)


def checkin_note(state: SettingsState) -> str:
    note = _with_next(checkin_line(state), state, CHECKIN)
    if isinstance(state.extra_rule(CHECKIN), At):
        note += "\n" + _(CHECKIN_ABOUT)
    return note


def adaptive_note(state: SettingsState) -> str:
    if state.adaptive:
        what = _("Done on a move nudge now restarts its interval from your press.")
    else:
        what = _("Move nudges now keep their fixed times, whenever you press Done.")
    return f"✅ {what}"


def habit_resume_note(state: SettingsState, habit: str) -> str:
    head = _("▶️ {habit} nudges are back on.").format(habit=habit_label(habit))
    return head + "\n" + habit_due_text(state, habit)


# ----- screens -----------------------------------------------------------------------------------


def progress_screen(state: SettingsState, arg: str) -> View:
    title = PROGRESS_TITLE.format(title=_("Progress & check-ins"))
    lines = [title, "", summary_line(state), checkin_line(state), adaptive_line(state)]
    lines.append(_("(With it on, Done on a move nudge restarts its interval from your press.)"))
    if state.adaptive:
        adaptive = button("↻ " + _("Adaptive move timer: turn off"), Screen.SET_ADAPTIVE, "0")
    else:
        adaptive = button("↻ " + _("Adaptive move timer: turn on"), Screen.SET_ADAPTIVE, "1")
    keyboard = [
        [
            button("📬 " + _("Weekly summary"), Screen.SUMMARY),
            button("🩺 " + _("Pain check-in"), Screen.CHECKIN),
        ],
        [adaptive],
    ]
    if state.user.adaptive_move is not None:
        keyboard.append([button("↩️ " + _("Timer as my preset has it"), Screen.SET_ADAPTIVE, "p")])
    return "\n".join(lines), keyboard + [back(Screen.HOME)]


def summary_screen(state: SettingsState, arg: str) -> View:
    rule = state.extra_rule(SUMMARY)
    lines = [summary_line(state), extra_next(state, SUMMARY), _(SUMMARY_ABOUT)]
    on = isinstance(rule, At)
    base = rule if isinstance(rule, At) else state.restore_rule(SUMMARY)
    if on:
        switch = button("⏹ " + _("Turn off"), Screen.SUMMARY_OFF)
        lines.append(_("Tap a day or the time to change them."))
    else:
        switch = button("▶️ " + _("Turn on"), Screen.SUMMARY_ON)
    days = [
        button(
            marked(short_day_name(day), on and day in base.days), Screen.SET_SUMMARY_DAY, str(day)
        )
        for day in range(7)
    ]
    at = button(
        "🕕 " + _("At {time}").format(time=format_time(base.times[0])), Screen.SUMMARY_TIME
    )
    keyboard = [[switch], *rows_of(days, 4), [at], back(Screen.PROGRESS)]
    return "\n".join(line for line in lines if line), keyboard


def checkin_screen(state: SettingsState, arg: str) -> View:
    rule = state.extra_rule(CHECKIN)
    lines = [checkin_line(state), extra_next(state, CHECKIN), _(CHECKIN_ABOUT)]
    if isinstance(rule, At):
        switch = button("⏹ " + _("Turn off"), Screen.CHECKIN_OFF)
        base = rule
    else:
        switch = button("▶️ " + _("Turn on"), Screen.CHECKIN_ON)
        base = state.restore_rule(CHECKIN)
    at = button(
        "🕗 " + _("At {time}").format(time=format_time(base.times[0])), Screen.CHECKIN_TIME
    )
    keyboard = [[switch], [at], back(Screen.PROGRESS)]
    return "\n".join(line for line in lines if line), keyboard


def extra_time_screen(state: SettingsState, kind: str) -> View:
    """The hour picker of the summary or the check-in; a pick turns it on if it was off."""
    rule = state.extra_rule(kind)
    selected = rule.times[0] if isinstance(rule, At) else None
    if kind == SUMMARY:
        head, change, way_back = summary_line(state), Screen.SET_SUMMARY_TIME, Screen.SUMMARY
    else:
        head, change, way_back = checkin_line(state), Screen.SET_CHECKIN_TIME, Screen.CHECKIN
    text = head + "\n\n" + _("At what time?")
    return text, settings_widgets.hour_rows(selected, change) + [back(way_back)]


EXTRA_SCREENS: dict[Screen, Callable[[SettingsState, str], View]] = {
    Screen.PROGRESS: progress_screen,
    Screen.SUMMARY: summary_screen,
    Screen.SUMMARY_TIME: lambda state, arg: extra_time_screen(state, SUMMARY),
    Screen.CHECKIN: checkin_screen,
    Screen.CHECKIN_TIME: lambda state, arg: extra_time_screen(state, CHECKIN),
}
