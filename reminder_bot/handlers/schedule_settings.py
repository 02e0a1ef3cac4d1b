"""When nudges come: /schedule, /preset, /timezone, /quiet, /pause and /resume."""

from __future__ import annotations

import html
from collections.abc import Mapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from reminder_bot.callbacks import PresetPick, TimeZonePick, encode
from reminder_bot.delivery_rules import ADAPTIVE_HABIT
from reminder_bot.describe import describe_rule
from reminder_bot.handlers.common import (
    Command,
    argument_text,
    habit_label,
    registered,
    reply,
)
from reminder_bot.handlers.context import BotContext, Services
from reminder_bot.handlers.settings_apply import (
    STOPPED,
    SettingsState,
    change_pause,
    change_preset,
    change_quiet,
    change_rule,
    change_zone,
    pause_note,
    pause_until,
    quiet_note,
    resume_habit,
    rule_note,
    settings_state,
    zone_note,
)
from reminder_bot.handlers.settings_apply import (
    first_due_line as first_due_line,  # re-exported: others have imported it from here
)
from reminder_bot.handlers.settings_extras import (
    checkin_line,
    habit_pause_line,
    habit_resume_note,
    paused_habits,
    resume_buttons,
    summary_line,
)
from reminder_bot.i18n import N_, _
from reminder_bot.parsing import (
    ParseError,
    parse_habit,
    parse_quiet,
    parse_schedule_command,
    parse_timezone,
)
from reminder_bot.presets import Preset
from reminder_bot.rule_text import format_quiet
from reminder_bot.schedule import HABITS, Every, Rule
from reminder_bot.settings_ops import SettingRefused
from reminder_bot.store import User

# Offered as buttons by /start and /timezone; anything else is typed (/timezone Asia/Tokyo).
COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


def zone_keyboard() -> InlineKeyboardMarkup:
    """The common zones, two buttons a row."""
    buttons = [
        InlineKeyboardButton(zone, callback_data=encode(TimeZonePick(zone)))
        for zone in COMMON_ZONES
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def preset_keyboard(presets: dict[str, Preset]) -> InlineKeyboardMarkup:
    """One button a preset, by name."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name, callback_data=encode(PresetPick(name)))]
            for name in sorted(presets)
        ]
    )


@registered
async def schedule_command(update: Update, context: BotContext, user: User) -> None:
    """Show each habit's rule and next due time, or change one habit's rule."""
    svc = context.services
    args = argument_text(update)
    if not args:
        state = await settings_state(svc, user)
        paused = paused_habits(state) if user.active else []
        keyboard = InlineKeyboardMarkup(resume_buttons(state, paused)) if paused else None
        await reply(update, overview_text(svc, state), keyboard)
        return
    habit, rule = parse_schedule_rule(args)
    change = await change_rule(svc, user, habit, lambda _current: rule)
    await reply(update, rule_note(await settings_state(svc, change.user), habit))


def parse_schedule_rule(args: str) -> tuple[str, Rule]:
    """parse_schedule_command, with every example naming a habit so it is a whole command."""
    try:
        return parse_schedule_command(args)
    except ParseError as error:
        if error.example.split()[0] in HABITS:
            raise
        try:
            habit = parse_habit(args.split()[0])
        except ParseError:
            habit = "move"
        raise ParseError(error.message, f"{habit} {error.example}") from None


def adaptive_move(svc: Services, user: User) -> bool:
    """Whether Done on move restarts its interval: the user's choice, else the preset's."""
    if user.adaptive_move is not None:
        return user.adaptive_move
    preset = svc.presets.get(user.preset or "")
    return preset is not None and preset.adaptive_move


async def schedule_overview(svc: Services, user: User) -> str:
    """Every habit's rule and next nudge, quiet hours, and any pause or stop."""
    return overview_text(svc, await settings_state(svc, user))


def overview_text(svc: Services, state: SettingsState) -> str:
    """/schedule's text: each habit (and its own pause), quiet hours, pauses, summary, check-in."""
    user = state.user
    lines = [_("<b>Your schedule</b> ({zone})").format(zone=html.escape(user.timezone)), ""]
    for habit, rule in state.rules.items():
        line = f"{habit_label(habit)}: {html.escape(describe_rule(rule))}"
        if (due := state.due.get(habit)) is not None:
            line += " — " + _("next {when}").format(when=state.when(due))
        lines.append(line)
        if habit == ADAPTIVE_HABIT and isinstance(rule, Every) and adaptive_move(svc, user):
            lines.append("   " + _("↻ Done restarts the interval from when you press it."))
        if user.active and (until := state.habit_paused_until(habit)) is not None:
            lines.append(
                "   ⏸ "
                + _("paused until {when} (resume: /resume {habit} or the button)").format(
                    when=state.when(until), habit=habit
                )
            )
    lines.append("")
    lines.append(
        _("Quiet hours: {quiet}").format(quiet=format_quiet(user.quiet))
        if user.quiet is not None
        else _("Quiet hours: none")
    )
    if not user.active:
        lines.append(_(STOPPED))
    elif state.paused_until is not None:
        lines.append(
            _("Paused until {when}. /resume to restart now.").format(
                when=state.when(state.paused_until)
            )
        )
    lines += [summary_line(state), checkin_line(state), ""]
    lines.append(_("Change one:") + " <code>/schedule move every 45m from 09:00 to 17:30</code>")
    return "\n".join(lines)


@registered
async def timezone_command(update: Update, context: BotContext, user: User) -> None:
    """Set the user's time zone; without an argument, show it and offer buttons."""
    args = argument_text(update)
    if args:
        await reply(update, await set_timezone(context.services, user, parse_timezone(args)))
        return
    text = _(
        "Your time zone is <b>{zone}</b>. Pick one below or type it, for example "
        "<code>/timezone Europe/Berlin</code> or <code>/timezone UTC+05:30</code>."
    ).format(zone=html.escape(user.timezone))
    await reply(update, text, zone_keyboard())


async def set_timezone(svc: Services, user: User, zone: str) -> str:
    """Store ``zone`` (a canonical name) and say what the user's time is there."""
    change = await change_zone(svc, user, zone)
    return zone_note(await settings_state(svc, change.user))


@registered
async def preset_command(update: Update, context: BotContext, user: User) -> None:
    """List presets, or apply the one named."""
    svc = context.services
    name = argument_text(update).lower()
    if not name:
        await reply(update, preset_list(svc, user), preset_keyboard(svc.presets))
        return
    preset = svc.presets.get(name)
    if preset is None:
        raise ParseError(
            _("There is no preset called “{name}”. Presets: {names}.").format(
                name=name, names=", ".join(sorted(svc.presets))
            ),
            f"/preset {svc.config.default_preset}",
        )
    await reply(update, await apply_preset(svc, user, preset))


def preset_list(svc: Services, user: User) -> str:
    """Every preset with its description, the user's own marked."""
    return preset_text(svc.presets, user.preset)


def preset_text(presets: Mapping[str, Preset], current: str | None) -> str:
    lines = [_("<b>Schedule presets</b>")]
    for name in sorted(presets):
        marker = " ✅" if name == current else ""
        lines.append(
            f"\n<b>{html.escape(name)}</b>{marker}: {html.escape(_(presets[name].description))}"
        )
    lines.append("\n" + _("Apply one with a button or <code>/preset gentle</code>."))
    return "\n".join(lines)


async def apply_preset(svc: Services, user: User, preset: Preset) -> str:
    """Replace every habit's rule with the preset's, and show the schedule that results."""
    change = await change_preset(svc, user, preset)
    applied = _("✅ Preset <b>{name}</b> applied.").format(name=html.escape(preset.name))
    return applied + "\n\n" + await schedule_overview(svc, change.user)


@registered
async def quiet_command(update: Update, context: BotContext, user: User) -> None:
    """Set or clear quiet hours."""
    svc = context.services
    args = argument_text(update)
    if not args:
        text = (
            _("Quiet hours: {quiet}.").format(quiet=format_quiet(user.quiet))
            if user.quiet is not None
            else _("You have no quiet hours.")
        )
        how = _(
            "Set them with <code>/quiet 22:00-07:00</code>, or turn them off with "
            "<code>/quiet off</code>."
        )
        await reply(update, text + "\n" + how)
        return
    quiet = parse_quiet(args)
    change = await change_quiet(svc, user, lambda _current: quiet)
    await reply(update, quiet_note(await settings_state(svc, change.user)))


@registered
async def pause_command(update: Update, context: BotContext, user: User) -> None:
    """Pause nudges for a duration, until a time, or until tomorrow's first nudge."""
    svc = context.services
    until = await pause_until(svc, user, argument_text(update))
    change = await change_pause(svc, user, until)
    await reply(update, pause_note(await settings_state(svc, change.user)))


@registered
async def resume_command(update: Update, context: BotContext, user: User) -> None:
    """End a pause, or one habit's own pause (after /stop only /start turns nudges back on)."""
    svc = context.services
    if args := argument_text(update):
        await reply(update, await resume_one_habit(svc, user, args))
        return
    try:
        change = await change_pause(svc, user, None)
    except SettingRefused as refused:
        await reply(update, refused.message)
        return
    state = await settings_state(svc, change.user)
    # A habit's own pause outlives /resume: say so, and how to end it.
    still = [
        habit_pause_line(state, habit) + " " + _("/resume {habit} ends it.").format(habit=habit)
        for habit in paused_habits(state)
    ]
    await reply(update, "\n".join([pause_note(state), *still]))


async def resume_one_habit(svc: Services, user: User, word: str) -> str:
    """Lift the named habit's own pause (the safety gate's on stretch)."""
    try:
        habit = parse_habit(word)
    except ParseError as error:
        raise error.with_example("stretch") from None
    change = await resume_habit(svc, user, habit)
    if not change.changed:
        return _(
            "{habit} has no pause of its own. /resume alone ends a pause of every nudge."
        ).format(habit=habit_label(habit))
    return habit_resume_note(await settings_state(svc, change.user), habit)


# This module's rows of the command table (reminder_bot.commands), in menu order.
COMMANDS = (
    Command("schedule", N_("Show or change when each habit nudges you"), schedule_command),
    Command("preset", N_("List or apply a ready-made schedule"), preset_command),
    Command("timezone", N_("Set your time zone"), timezone_command),
    Command("quiet", N_("Set quiet hours with no nudges"), quiet_command),
    Command("pause", N_("Pause nudges for a while"), pause_command),
    Command(
        "resume",
        N_("Resume nudges after a pause (/resume stretch: that habit's own pause)"),
        resume_command,
    ),
)
