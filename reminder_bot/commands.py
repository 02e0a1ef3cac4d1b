"""The command table: CommandHandler registration (app.py), /help and Telegram's command menu
(setMyCommands) are all built from ``COMMANDS``. Each topic module declares its own rows beside
its handlers; this joins them in the order /help and the menu show them."""

from __future__ import annotations

from telegram import BotCommand, Update

from reminder_bot.handlers import (
    account,
    health,
    language,
    onboarding,
    schedule_settings,
    settings,
)
from reminder_bot.handlers.common import Command, command, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_, _


@command
async def help_command(update: Update, context: BotContext) -> None:
    """List every command with one line each."""
    await reply(update, onboarding.help_text((c.name, c.description) for c in COMMANDS))


COMMANDS: tuple[Command, ...] = (
    *onboarding.COMMANDS,
    *settings.COMMANDS,
    *schedule_settings.COMMANDS,
    *health.COMMANDS,
    *account.COMMANDS,
    *language.COMMANDS,
    Command("help", N_("List the commands"), help_command),
)


def bot_commands() -> list[BotCommand]:
    """The menu for setMyCommands, in the current language."""
    return [BotCommand(c.name, _(c.description)) for c in COMMANDS]
