"""/settings: every setting reachable by taps, in one message edited in place.

A press decodes to ``callbacks.Settings(screen, arg)``: a screen to show, or a change that
carries the value it sets. A change goes through the same path as the typed commands
(``settings_apply``, with the pure operations of ``reminder_bot.settings_ops``), then the
message is redrawn from the stored settings, with a note on what changed and when that habit
nudges next. Every press is answered; a press from a chat that does not own the menu changes
nothing; an edit that would change nothing is not sent.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import time

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError

from reminder_bot import i18n
from reminder_bot.callbacks import Screen, Settings
from reminder_bot.handlers import settings_apply as apply
from reminder_bot.handlers.common import (
    Command,
    button_query,
    edit_pressed,
    nothing_went_wrong,
    registered,
    reply,
)
from reminder_bot.handlers.context import BotContext, Services
from reminder_bot.handlers.location import ask_location
from reminder_bot.handlers.settings_apply import Change, SettingsState, settings_state
from reminder_bot.handlers.settings_extras import (
    adaptive_note,
    checkin_note,
    habit_resume_note,
    summary_note,
)
from reminder_bot.handlers.settings_screens import draw
from reminder_bot.i18n import N_, _
from reminder_bot.parsing import ParseError, parse_days
from reminder_bot.schedule import CHECKIN, SUMMARY, At, Off, QuietHours, Rule
from reminder_bot.settings_ops import (
    PAUSE_CHOICES,
    MenuOutOfDate,
    SettingRefused,
    extra_on,
    set_day,
    set_days,
    set_extra_day,
    set_extra_time,
    set_fixed_time,
    set_interval,
    set_quiet_end,
    set_quiet_start,
    set_window_end,
    set_window_start,
    turn_off,
    turn_on,
)
from reminder_bot.store import User


@registered
async def settings_command(update: Update, context: BotContext, user: User) -> None:
    """Open the menu as a new message."""
    await send_menu(update, context.services, user)


async def send_menu(update: Update, svc: Services, user: User) -> None:
    await reply(update, *draw(Screen.HOME, "", await settings_state(svc, user), svc.presets))


# ----- the changes -------------------------------------------------------------------------------

RuleOp = Callable[[Rule, Sequence[str], Rule | None], Rule]


@dataclass(frozen=True)
class Action:
    """A change: the screen shown after it (None: the note alone), what it does, what it says."""

    view: Screen | None
    run: Callable[[Services, User, str], Awaitable[Change]]
    note: Callable[[SettingsState, str], str]


def _habit(arg: str) -> str:
    return arg.split(":")[0]


def preset_rule(svc: Services, user: User, habit: str) -> Rule | None:
    """The habit's rule in the user's preset (or the default one): what "turn on" restores."""
    preset = svc.presets.get(user.preset or "") or svc.presets.get(svc.config.default_preset)
    return preset.rules.get(habit) if preset is not None else None


def rule_action(view: Screen, op: RuleOp) -> Action:
    """A change to one habit's rule; ``arg`` is ``habit[:value...]``."""

    async def run(svc: Services, user: User, arg: str) -> Change:
        habit, *values = arg.split(":")
        fallback = preset_rule(svc, user, habit)
        return await apply.change_rule(svc, user, habit, lambda rule: op(rule, values, fallback))

    return Action(view, run, lambda state, arg: apply.rule_note(state, _habit(arg)))


def _hhmm(text: str) -> time:
    return time(int(text[:2]), int(text[2:]))


def quiet_action(op: Callable[[QuietHours | None, str], QuietHours | None]) -> Action:
    """A change to the quiet hours; ``arg`` is the hour, if any."""

    async def run(svc: Services, user: User, arg: str) -> Change:
        return await apply.change_quiet(svc, user, lambda quiet: op(quiet, arg))

    return Action(Screen.QUIET, run, _state_only(apply.quiet_note))


def _state_only(note: Callable[[SettingsState], str]) -> Callable[[SettingsState, str], str]:
    return lambda state, arg: note(state)


async def _pause_for(svc: Services, user: User, code: str) -> Change:
    if code not in PAUSE_CHOICES:
        raise MenuOutOfDate(code)
    until = await apply.pause_until(svc, user, PAUSE_CHOICES[code][1])
    return await apply.change_pause(svc, user, until)


async def _resume(svc: Services, user: User, arg: str) -> Change:
    return await apply.change_pause(svc, user, None)


async def _apply_preset(svc: Services, user: User, name: str) -> Change:
    preset = svc.presets.get(name)
    if preset is None:
        raise MenuOutOfDate(name)
    return await apply.change_preset(svc, user, preset)


ExtraOp = Callable[[Rule, str, At], Rule]


def extra_action(kind: str, op: ExtraOp) -> Action:
    """A change to the weekly summary or the check-in; ``arg`` is the day or hour, if any."""

    async def run(svc: Services, user: User, arg: str) -> Change:
        return await apply.change_extra(svc, user, kind, lambda rule, back: op(rule, arg, back))

    if kind == SUMMARY:
        return Action(Screen.SUMMARY, run, _state_only(summary_note))
    return Action(Screen.CHECKIN, run, _state_only(checkin_note))


async def _set_adaptive(svc: Services, user: User, arg: str) -> Change:
    return await apply.change_adaptive(svc, user, None if arg == "p" else arg == "1")


def _extra_hour(rule: Rule, hour: str, back: At) -> Rule:
    return set_extra_time(rule, time(int(hour)), back)


EXTRA_ACTIONS: dict[Screen, Action] = {
    Screen.SUMMARY_ON: extra_action(SUMMARY, lambda rule, _a, back: extra_on(rule, back)),
    Screen.SUMMARY_OFF: extra_action(SUMMARY, lambda _r, _a, _b: Off()),
    Screen.SET_SUMMARY_DAY: extra_action(
        SUMMARY, lambda rule, day, back: set_extra_day(rule, int(day), back)
    ),
    Screen.SET_SUMMARY_TIME: extra_action(SUMMARY, _extra_hour),
    Screen.CHECKIN_ON: extra_action(CHECKIN, lambda rule, _a, back: extra_on(rule, back)),
    Screen.CHECKIN_OFF: extra_action(CHECKIN, lambda _r, _a, _b: Off()),
    Screen.SET_CHECKIN_TIME: extra_action(CHECKIN, _extra_hour),
    Screen.SET_ADAPTIVE: Action(Screen.PROGRESS, _set_adaptive, _state_only(adaptive_note)),
    Screen.HABIT_RESUME: Action(Screen.HABIT, apply.resume_habit, habit_resume_note),
}

ACTIONS: dict[Screen, Action] = {
    Screen.HABIT_ON: rule_action(Screen.HABIT, lambda rule, _v, preset: turn_on(rule, preset)),
    Screen.HABIT_OFF: rule_action(Screen.HABIT, lambda rule, _v, _p: turn_off(rule)),
    Screen.SET_EVERY: rule_action(Screen.HABIT, lambda rule, v, _p: set_interval(rule, int(v[0]))),
    Screen.SET_START: rule_action(
        Screen.HABIT, lambda rule, v, _p: set_window_start(rule, int(v[0]))
    ),
    Screen.SET_END: rule_action(Screen.HABIT, lambda rule, v, _p: set_window_end(rule, int(v[0]))),
    Screen.SET_DAYS: rule_action(
        Screen.DAYS, lambda rule, v, _p: set_days(rule, parse_days(v[0]))
    ),
    Screen.SET_DAY: rule_action(
        Screen.DAYS, lambda rule, v, _p: set_day(rule, int(v[0]), v[1] == "1")
    ),
    Screen.SET_TIME: rule_action(
        Screen.TIMES, lambda rule, v, _p: set_fixed_time(rule, _hhmm(v[0]), v[1] == "1")
    ),
    Screen.SET_QUIET_START: quiet_action(lambda quiet, hour: set_quiet_start(quiet, int(hour))),
    Screen.SET_QUIET_END: quiet_action(lambda quiet, hour: set_quiet_end(quiet, int(hour))),
    Screen.QUIET_OFF: quiet_action(lambda quiet, _arg: None),
    Screen.PAUSE_FOR: Action(Screen.PAUSE, _pause_for, _state_only(apply.pause_note)),
    Screen.RESUME: Action(Screen.PAUSE, _resume, _state_only(apply.pause_note)),
    Screen.SET_ZONE: Action(Screen.ZONE, apply.change_zone, _state_only(apply.zone_note)),
    Screen.SET_PRESET: Action(Screen.PRESET, _apply_preset, _state_only(apply.preset_note)),
    Screen.LOCATION_YES: Action(None, apply.change_zone, _state_only(apply.zone_note)),
    **EXTRA_ACTIONS,
}
# Screens whose argument names a habit: a change made there comes back to that habit.
HABIT_VIEWS = (Screen.HABIT, Screen.DAYS, Screen.TIMES)


@dataclass(frozen=True)
class Outcome:
    """What a press comes to: the user after it, the screen to draw, the answer to the press."""

    user: User
    view: Screen | None
    arg: str
    answer: str | None
    note: Callable[[SettingsState, str], str] | None = None
    alert: bool = False


async def outcome(svc: Services, user: User, pressed: Settings) -> Outcome:
    """Make the change a press asks for, if any; say what to show and answer."""
    screen, arg = pressed.screen, pressed.arg
    action = ACTIONS.get(screen)
    if action is None:
        return Outcome(user, screen, arg, None)
    view_arg = _habit(arg) if action.view in HABIT_VIEWS else ""
    try:
        change = await action.run(svc, user, arg)
    except MenuOutOfDate:
        answer = _("This menu is out of date: here is the current one.")
        return Outcome(user, action.view or Screen.HOME, view_arg, answer)
    except (SettingRefused, ParseError) as refused:
        return Outcome(user, action.view, view_arg, refused.message, alert=True)
    answer = _("Saved.") if change.changed else _("No change: that is already set.")
    return Outcome(change.user, action.view, view_arg, answer, action.note)


# ----- the press ---------------------------------------------------------------------------------


async def menu_owner(query: CallbackQuery, user: User | None) -> User | None:
    """The stored user whose menu this is, or None after answering the press."""
    message = query.message
    chat_id = message.chat.id if message is not None else None
    if chat_id != query.from_user.id or (user is not None and user.chat_id != chat_id):
        await query.answer(_("This menu isn't yours."), show_alert=True)
        return None
    if user is None:
        await query.answer(_("I don't know you yet. Send /start to begin."), show_alert=True)
    return user


async def _special(update: Update, context: BotContext, user: User, pressed: Settings) -> bool:
    """The presses that do not redraw the menu; True when this was one."""
    query = button_query(update)
    if pressed.screen is Screen.OPEN:
        await query.answer()
        await send_menu(update, context.services, user)
    elif pressed.screen is Screen.CLOSE:
        await query.answer()
        if isinstance(query.message, Message) and query.message.reply_markup is not None:
            await query.edit_message_reply_markup(None)
    elif pressed.screen is Screen.LOCATION:
        await query.answer()
        await ask_location(update)
    elif pressed.screen is Screen.SET_LANGUAGE:
        await _set_language(query, context.services, user, pressed.arg)
    elif pressed.screen is Screen.LOCATION_NO:
        await query.answer(_("Time zone unchanged."))
        text = _("OK, your time zone stays <b>{zone}</b>.").format(zone=html.escape(user.timezone))
        await edit_pressed(query, text, None)
    else:
        return False
    return True


async def _set_language(query: CallbackQuery, svc: Services, user: User, code: str) -> None:
    """Store the language and redraw the menu in it: every later reply uses it too."""
    updated = await svc.store.set_language(user.id, code, svc.clock.now()) or user
    with i18n.language(code):
        await query.answer(_("Saved."))
        await edit_pressed(
            query, *draw(Screen.HOME, "", await settings_state(svc, updated), svc.presets)
        )


async def settings_button(update: Update, context: BotContext, pressed: Settings) -> None:
    """A press on a settings menu: change what it says, answer, redraw the menu in place."""
    try:
        await _press(update, context, pressed)
    except Exception as error:
        # Every press is answered, even one that failed (the error handler says sorry too);
        # one answered already refuses a second answer, which is fine.
        if not nothing_went_wrong(error):
            with contextlib.suppress(TelegramError):
                await button_query(update).answer(
                    _("Sorry, something went wrong on my side. Please try again.")
                )
        raise


async def _press(update: Update, context: BotContext, pressed: Settings) -> None:
    svc = context.services
    query = button_query(update)
    user = await menu_owner(query, context.stored_user)
    if user is None or await _special(update, context, user, pressed):
        return
    result = await outcome(svc, user, pressed)
    state = await settings_state(svc, result.user)
    note = result.note(state, pressed.arg) if result.note is not None else ""
    await query.answer(result.answer, show_alert=result.alert)
    if result.view is None:
        await edit_pressed(query, note, None)
    else:
        await edit_pressed(query, *draw(result.view, result.arg, state, svc.presets, note))


# This module's row of the command table (reminder_bot.commands).
COMMANDS = (Command("settings", N_("Change your settings with buttons"), settings_command),)
