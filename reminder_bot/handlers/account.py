"""The user's data and consent: /stop, /export, /forget with its confirmation, and blocking the
bot."""

from __future__ import annotations

import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from reminder_bot import __version__
from reminder_bot.callbacks import ForgetConfirm, encode
from reminder_bot.handlers.common import Command, button_query, edit_pressed, registered, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_, _
from reminder_bot.store import User

log = logging.getLogger(__name__)


@registered
async def stop_command(update: Update, context: BotContext, user: User) -> None:
    """Stop every nudge; settings stay until /forget."""
    svc = context.services
    await svc.store.deactivate(user.id, "stopped", svc.clock.now())
    svc.dispatcher.kick()
    await reply(
        update,
        _(
            "⏹ Stopped. I won't send any more nudges. Your settings are kept: "
            "/start turns nudges back on, /forget deletes your data."
        ),
    )


@registered
async def export_command(update: Update, context: BotContext, user: User) -> None:
    """Send everything stored about the user as one JSON file."""
    svc = context.services
    now = svc.clock.now()
    document = {
        "exported_at": now.isoformat(),
        "by": f"reminder-bot {__version__}",
        **await svc.store.export_user(user.id),
    }
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    message = update.effective_message
    assert message is not None
    await message.reply_document(
        document=data,
        filename=f"reminder-bot-{now:%Y-%m-%d}.json",
        caption=_(
            "Everything I store about you, as JSON: your settings, schedules and the log of "
            "your nudges. /forget deletes it all."
        ),
    )


@registered
async def forget_command(update: Update, context: BotContext, user: User) -> None:
    """Ask to confirm deleting every row about the user."""
    yes = InlineKeyboardButton(
        "🗑 " + _("Yes, delete everything"), callback_data=encode(ForgetConfirm.YES)
    )
    cancel = InlineKeyboardButton(_("Cancel"), callback_data=encode(ForgetConfirm.NO))
    await reply(
        update,
        _("This deletes your settings, schedule and history for good. Sure?"),
        InlineKeyboardMarkup([[yes, cancel]]),
    )


async def forget_button(update: Update, context: BotContext, pressed: ForgetConfirm) -> None:
    """Delete the user's rows after they confirmed, or cancel."""
    svc = context.services
    query = button_query(update)
    assert update.effective_user is not None
    if pressed is not ForgetConfirm.YES:
        await query.answer(_("Cancelled."))
        await edit_pressed(query, _("Cancelled: nothing was deleted."))
        return
    removed = await svc.store.forget(update.effective_user.id)
    svc.dispatcher.kick()
    await query.answer(_("Deleted."))
    log.info("forgot user %d (%d rows)", update.effective_user.id, removed)
    await edit_pressed(
        query, _("🗑 Everything about you is deleted. Send /start if you want to begin again.")
    )


async def chat_member(update: Update, context: BotContext) -> None:
    """The user blocked the bot (Telegram says so at once): stop nudging them right away."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status in ("kicked", "left"):
        svc = context.services
        user = await svc.store.get_user(change.chat.id)
        if user is not None and user.active:
            await svc.store.deactivate(user.id, "blocked", svc.clock.now())
            log.info("user %d blocked the bot; marked inactive", user.id)


# This module's rows of the command table (reminder_bot.commands), in menu order.
COMMANDS = (
    Command("stop", N_("Stop all nudges (your settings are kept)"), stop_command),
    Command("export", N_("Get everything the bot stores about you"), export_command),
    Command("forget", N_("Delete everything the bot knows about you"), forget_command),
)
