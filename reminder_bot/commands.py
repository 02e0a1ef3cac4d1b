"""The command table: CommandHandler registration (app.py), /help and Telegram's command menu
(setMyCommands) are all built from ``COMMANDS``. Each topic module declares its own rows beside
its handlers; this joins them in the order /help and the menu show them."""

from __future__ import annotations

from telegram import BotCommand, Update

from reminder_bot.handlers import (
    account,
    admin,
    health,
    language,
    onboarding,
    progress_settings,
    schedule_settings,
    settings,
    stats,
)
from reminder_bot.handlers.common import Command, command, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_, _


@command
async def help_command(update: Update, context: BotContext) -> None:
    """List every command with one line each (an admin's too, to an admin)."""
    user = update.effective_user
    is_admin = user is not None and user.id in context.services.config.admins
    shown = (*COMMANDS, *ADMIN_COMMANDS) if is_admin else COMMANDS
    await reply(update, onboarding.help_text((c.name, c.description) for c in shown))


COMMANDS: tuple[Command, ...] = (
    *onboarding.COMMANDS,
    *settings.COMMANDS,
    *schedule_settings.COMMANDS,
    *progress_settings.COMMANDS,
    *stats.COMMANDS,
    *health.COMMANDS,
    *account.COMMANDS,
    *language.COMMANDS,
    Command("help", N_("List the commands"), help_command),
)


# Registered like the rest, but only admins see them in /help and in their chat's menu.
ADMIN_COMMANDS: tuple[Command, ...] = admin.COMMANDS


def bot_commands() -> list[BotCommand]:
    """The menu for setMyCommands, in the current language."""
    return [BotCommand(c.name, _(c.description)) for c in COMMANDS]


def admin_bot_commands() -> list[BotCommand]:
    """An admin's menu: everyone's, then the admin commands."""
    return [BotCommand(c.name, _(c.description)) for c in (*COMMANDS, *ADMIN_COMMANDS)]
