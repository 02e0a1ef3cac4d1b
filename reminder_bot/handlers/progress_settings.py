"""/summary and /checkin: the weekly summary and the daily pain check-in, shown or changed by a
typed command (the same changes as their /settings screens, through ``settings_apply``)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from reminder_bot.handlers.common import Command, argument_text, registered, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.handlers.settings_apply import SettingsState, change_extra, settings_state
from reminder_bot.handlers.settings_extras import (
    CHECKIN_ABOUT,
    SUMMARY_ABOUT,
    checkin_line,
    checkin_note,
    extra_next,
    summary_line,
    summary_note,
)
from reminder_bot.i18n import N_, _
from reminder_bot.schedule import CHECKIN, SUMMARY, At, Rule
from reminder_bot.settings_ops import SUMMARY_EXAMPLE, parse_checkin, parse_summary
from reminder_bot.store import User

Parser = Callable[[str, Rule, At], Rule]


async def _show_or_change(
    update: Update,
    context: BotContext,
    user: User,
    kind: str,
    parse: Parser,
    show: Callable[[SettingsState], str],
    note: Callable[[SettingsState], str],
) -> None:
    svc = context.services
    args = argument_text(update)
    if not args:
        await reply(update, show(await settings_state(svc, user)))
        return
    change = await change_extra(svc, user, kind, lambda rule, back: parse(args, rule, back))
    await reply(update, note(await settings_state(svc, change.user)))


def _lines(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def _as_set(state: SettingsState, kind: str, line: str, about: str, example: str) -> str:
    """The summary or check-in as it is set, and how to change it (its command is its name)."""
    on = isinstance(state.extra_rule(kind), At)
    how = _("Change it: {example} or {switch}").format(
        example=f"<code>/{kind} {example}</code>",
        switch=f"<code>/{kind} {'off' if on else 'on'}</code>",
    )
    return _lines(line, extra_next(state, kind), _(about), "", how)


def summary_text(state: SettingsState) -> str:
    return _as_set(state, SUMMARY, summary_line(state), SUMMARY_ABOUT, SUMMARY_EXAMPLE)


def checkin_text(state: SettingsState) -> str:
    return _as_set(state, CHECKIN, checkin_line(state), CHECKIN_ABOUT, "21:15")


@registered
async def summary_command(update: Update, context: BotContext, user: User) -> None:
    """Show the weekly summary's day and time, or change them: on, off, <day> <HH:MM>."""
    await _show_or_change(
        update, context, user, SUMMARY, parse_summary, summary_text, summary_note
    )


@registered
async def checkin_command(update: Update, context: BotContext, user: User) -> None:
    """Show the daily pain check-in, or change it: on, off, [on] <HH:MM>."""
    await _show_or_change(
        update, context, user, CHECKIN, parse_checkin, checkin_text, checkin_note
    )


# This module's rows of the command table (reminder_bot.commands), in menu order.
COMMANDS = (
    Command(
        "summary", N_("Set the weekly summary's day and time, or turn it off"), summary_command
    ),
    Command(
        "checkin", N_("Turn the daily pain check-in on or off, or set its time"), checkin_command
    ),
)
