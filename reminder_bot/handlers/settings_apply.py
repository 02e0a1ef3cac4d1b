"""The one path every settings change takes, typed (/schedule, /quiet, /pause, /resume,
/timezone, /preset) or tapped (/settings): read the setting, transform it (the pure operations
of ``reminder_bot.settings_ops``), store it only if it changed and wake the dispatcher; then the
lines that say what changed and when the next nudge comes, in the user's local time."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from reminder_bot.describe import describe_rule
from reminder_bot.handlers.common import habit_label
from reminder_bot.handlers.context import Services
from reminder_bot.i18n import N_, _
from reminder_bot.parsing import parse_pause, parse_rule
from reminder_bot.presets import Preset
from reminder_bot.rule_text import format_quiet
from reminder_bot.schedule import (
    EXTRAS,
    HABITS,
    At,
    Off,
    QuietHours,
    Rule,
    next_window_start,
)
from reminder_bot.settings_ops import SettingRefused, restore_rule
from reminder_bot.store import ScheduleRow, User
from reminder_bot.when_text import format_when

STOPPED = N_("Nudges are stopped. Send /start to turn them back on.")


@dataclass(frozen=True)
class SettingsState:
    """What the settings screens and the change notes show: one read of the user's settings."""

    user: User
    rules: Mapping[str, Rule]
    due: Mapping[str, datetime | None]
    now: datetime
    # The weekly summary's and check-in's rows (schedule.EXTRAS), and what "on" restores.
    extras: Mapping[str, ScheduleRow] = field(default_factory=dict)
    restore: Mapping[str, At] = field(default_factory=dict)
    # A habit's own pause (the safety gate's on stretch), besides the user's.
    habit_pauses: Mapping[str, datetime] = field(default_factory=dict)
    # The adaptive move timer as the user's preset has it (``User.adaptive_move`` overrides).
    preset_adaptive: bool = False

    def rule(self, habit: str) -> Rule:
        return self.rules.get(habit, Off())

    def extra_rule(self, kind: str) -> Rule:
        row = self.extras.get(kind)
        return parse_rule(row.rule_text) if row is not None else Off()

    def restore_rule(self, kind: str) -> At:
        return self.restore.get(kind) or restore_rule(kind, None, self.user.zone)

    def habit_paused_until(self, habit: str) -> datetime | None:
        until = self.habit_pauses.get(habit)
        return until if until is not None and until > self.now else None

    @property
    def adaptive(self) -> bool:
        """Whether Done on a move nudge restarts its interval (as ``Sql.adaptive``)."""
        own = self.user.adaptive_move
        return self.preset_adaptive if own is None else own

    def when(self, instant: datetime) -> str:
        """``today 14:30``, in the user's time zone."""
        return format_when(instant, self.user.zone, self.now)

    @property
    def paused_until(self) -> datetime | None:
        until = self.user.paused_until
        return until if until is not None and until > self.now else None


async def settings_state(svc: Services, user: User) -> SettingsState:
    rows = await svc.store.schedules(user.id, (*HABITS, *EXTRAS))
    last = await svc.store.last_slots(user.id, EXTRAS)
    habits = {habit: row for habit, row in rows.items() if habit in HABITS}
    preset = svc.presets.get(user.preset or "")
    return SettingsState(
        user,
        {habit: parse_rule(row.rule_text) for habit, row in habits.items()},
        {habit: row.next_due for habit, row in habits.items()},
        svc.clock.now(),
        extras={kind: row for kind, row in rows.items() if kind in EXTRAS},
        restore={kind: restore_rule(kind, last.get(kind), user.zone) for kind in EXTRAS},
        habit_pauses={h: row.paused_until for h, row in habits.items() if row.paused_until},
        preset_adaptive=preset is not None and preset.adaptive_move,
    )


# ----- what comes next ---------------------------------------------------------------------------


def first_due_text(state: SettingsState) -> str:
    """One line on what comes next: the earliest nudge, or why there is none."""
    if not state.user.active:
        return _(STOPPED)
    due = [(when, habit) for habit, when in state.due.items() if when is not None]
    if not due:
        return _("No nudges are scheduled. Pick a schedule with /preset or /schedule.")
    when, habit = min(due)
    return _("Next nudge: {habit}, {when}.").format(
        habit=habit_label(habit), when=state.when(when)
    )


async def first_due_line(svc: Services, user: User) -> str:
    return first_due_text(await settings_state(svc, user))


def habit_due_text(state: SettingsState, habit: str) -> str:
    """When this habit nudges next (for a habit turned off: the earliest nudge of any)."""
    when = state.due.get(habit)
    if not state.user.active or isinstance(state.rule(habit), Off):
        return first_due_text(state)
    if when is None:
        return _("No {habit} nudge in the next two weeks.").format(habit=habit_label(habit))
    return _("Next {habit} nudge: {when}.").format(habit=habit_label(habit), when=state.when(when))


# ----- what changed ------------------------------------------------------------------------------


def rule_note(state: SettingsState, habit: str) -> str:
    head = _("{habit}: {rule}.").format(
        habit=habit_label(habit), rule=describe_rule(state.rule(habit))
    )
    return f"✅ {html.escape(head, quote=False)}\n{habit_due_text(state, habit)}"


def quiet_note(state: SettingsState) -> str:
    quiet = state.user.quiet
    head = (
        _("✅ Quiet hours set: {quiet}. Nothing is sent in them.").format(
            quiet=format_quiet(quiet)
        )
        if quiet is not None
        else _("✅ Quiet hours turned off.")
    )
    return head + "\n" + first_due_text(state)


def pause_note(state: SettingsState) -> str:
    until = state.paused_until
    head = (
        _("⏸ Paused until {when}. Send /resume to restart sooner.").format(when=state.when(until))
        if until is not None
        else _("▶️ Nudges are back on.")
    )
    return head + "\n" + first_due_text(state)


def zone_note(state: SettingsState) -> str:
    local = state.now.astimezone(state.user.zone)
    head = _(
        "✅ Time zone set to <b>{zone}</b> (your time now: {time}). "
        "Your nudges keep their local times."
    ).format(zone=html.escape(state.user.timezone), time=f"{local:%H:%M}")
    return head + "\n" + first_due_text(state)


def preset_note(state: SettingsState) -> str:
    head = _("✅ Preset <b>{name}</b> applied.").format(name=html.escape(state.user.preset or ""))
    return head + "\n" + first_due_text(state)


# ----- changing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The user after a change, and whether anything was stored."""

    user: User
    changed: bool


async def _saved(svc: Services, saving: Awaitable[User]) -> Change:
    user = await saving
    svc.dispatcher.kick()
    return Change(user, True)


async def change_rule(
    svc: Services, user: User, habit: str, change: Callable[[Rule], Rule]
) -> Change:
    """Apply ``change`` to the habit's current rule; store it if it differs."""
    rows = await svc.store.schedules(user.id, (habit,))
    current = parse_rule(rows[habit].rule_text) if habit in rows else Off()
    new = change(current)
    if new == current:
        return Change(user, False)
    return await _saved(svc, svc.store.set_rule(user.id, habit, new, svc.clock.now()))


async def change_extra(
    svc: Services, user: User, kind: str, change: Callable[[Rule, At], Rule]
) -> Change:
    """Change the weekly summary or the check-in; ``change`` also gets what "on" restores."""
    last = await svc.store.last_slots(user.id, (kind,))
    restore = restore_rule(kind, last.get(kind), user.zone)
    return await change_rule(svc, user, kind, lambda rule: change(rule, restore))


async def change_quiet(
    svc: Services, user: User, change: Callable[[QuietHours | None], QuietHours | None]
) -> Change:
    new = change(user.quiet)
    if new == user.quiet:
        return Change(user, False)
    return await _saved(svc, svc.store.set_quiet(user.id, new, svc.clock.now()))


async def pause_until(svc: Services, user: User, text: str) -> datetime:
    """When a pause given as /pause's argument ends (none: until tomorrow's first nudge)."""
    now = svc.clock.now()
    state = await settings_state(svc, user)
    default = next_window_start(state.rules, user.zone, now, user.quiet) or now + timedelta(days=1)
    return parse_pause(text, zone=user.zone, now=now, default_until=default)


async def change_pause(svc: Services, user: User, until: datetime | None) -> Change:
    """Pause until ``until``; None resumes (refused after /stop: only /start restarts)."""
    if until is None and not user.active:
        raise SettingRefused(_(STOPPED))
    if until == user.paused_until:
        return Change(user, False)
    return await _saved(svc, svc.store.set_pause(user.id, until, svc.clock.now()))


async def change_zone(svc: Services, user: User, zone: str) -> Change:
    """Set a canonical zone name (``parse_timezone``'s); local times stay."""
    if zone == user.timezone:
        return Change(user, False)
    return await _saved(svc, svc.store.set_timezone(user.id, zone, svc.clock.now()))


async def change_preset(svc: Services, user: User, preset: Preset) -> Change:
    """Replace every habit's rule and the quiet hours with the preset's."""
    return await _saved(svc, svc.store.apply_preset(user.id, preset, svc.clock.now()))


async def change_adaptive(svc: Services, user: User, on: bool | None) -> Change:
    """The user's own choice of the adaptive move timer; None: back to the preset's."""
    if on == user.adaptive_move:
        return Change(user, False)
    return await _saved(svc, svc.store.set_adaptive_move(user.id, on, svc.clock.now()))


async def resume_habit(svc: Services, user: User, habit: str) -> Change:
    """Lift the habit's own pause (the user's, if any, stays)."""
    rows = await svc.store.schedules(user.id, (habit,))
    until = rows[habit].paused_until if habit in rows else None
    if until is None or until <= svc.clock.now():
        return Change(user, False)
    return await _saved(svc, svc.store.set_habit_pause(user.id, habit, None, svc.clock.now()))
