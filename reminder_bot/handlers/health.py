"""Help for a back that hurts now: /relief and /redflags, with the local emergency number."""

from __future__ import annotations

from telegram import Update

from reminder_bot.content import render_redflags, render_relief
from reminder_bot.emergency import LocalHelp, local_help
from reminder_bot.handlers.common import Command, command, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_


@command
async def relief_command(update: Update, context: BotContext) -> None:
    """Send the quick relief routine for a back spasm."""
    await reply(update, render_relief(context.services.content, user_local_help(context)))


@command
async def redflags_command(update: Update, context: BotContext) -> None:
    """Send the red-flag checklist, emergency tier first."""
    await reply(update, render_redflags(context.services.content, user_local_help(context)))


def user_local_help(context: BotContext) -> LocalHelp:
    """The emergency number and UK helpline for the user's time zone; the bot's default zone
    before /start."""
    user = context.stored_user
    return local_help(user.timezone if user else context.services.config.timezone)


# This module's rows of the command table (reminder_bot.commands), in menu order.
COMMANDS = (
    Command("relief", N_("Quick relief routine for a back spasm"), relief_command),
    Command("redflags", N_("When to get medical help"), redflags_command),
)
