"""Whatever no command handles: unknown commands, free text, group chats and errors."""

from __future__ import annotations

import html
import logging

from telegram import Update

from reminder_bot import i18n
from reminder_bot.handlers.common import command, command_word, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import _

log = logging.getLogger(__name__)


@command
async def unknown_command(update: Update, context: BotContext) -> None:
    """Answer a command we don't have."""
    word = command_word(update) or ""
    await reply(
        update,
        _("I don't know the command {command}. /help lists what I can do.").format(
            command=html.escape(word)
        ),
    )


@command
async def plain_text(update: Update, context: BotContext) -> None:
    """Point free text at the commands."""
    await reply(
        update,
        _(
            "I only understand commands. /help lists them; /relief helps with a "
            "back spasm right now."
        ),
    )


async def group_chat(update: Update, context: BotContext) -> None:
    """Reminders are personal: point group members to a private chat."""
    with i18n.language(update.effective_user.language_code if update.effective_user else None):
        await reply(
            update, _("I work in private chats only: open a chat with me and send /start.")
        )


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the user something went wrong on our side."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update, _("Sorry, something went wrong on my side. Please try again."))
        except Exception:  # noqa: BLE001 - the error handler must never raise
            log.exception("could not tell the user about the error")
