"""Whatever no command handles: unknown commands, free text, group chats and errors."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from reminder_bot import i18n
from reminder_bot.handlers.access import OncePer
from reminder_bot.handlers.common import command, command_word, nothing_went_wrong, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import _

log = logging.getLogger(__name__)


@command
async def unknown_command(update: Update, context: BotContext) -> None:
    """Answer a command we don't have; one for another bot (``/start@other_bot``) is not ours."""
    message = update.effective_message
    if message is None or not addressed_to(message.text or "", context.bot.username):
        return
    word = command_word(update) or ""
    await reply(
        update,
        _("I don't know the command {command}. /help lists what I can do.").format(
            command=html.escape(word)
        ),
    )


@command
async def other_message(update: Update, context: BotContext) -> None:
    """Answer a photo, sticker, voice message and the like: say what the bot does read."""
    await reply(
        update,
        _(
            "I can't look at photos, stickers, voice messages or files. I read commands: /help "
            "lists them. To set your time zone, share a location."
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


# The bot's status in a group that can hear it; "left" and "kicked" mean it is out.
IN_GROUP = ("member", "administrator", "restricted")
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


def addressed_to(text: str, username: str) -> bool:
    """Whether ``text`` is a command for this bot: ``/start@this_bot``, or a bare ``/start``
    (Telegram passes a bare one on only when it may be for us); not ``/start@other_bot``."""
    words = text.split(maxsplit=1)
    if not words or not words[0].startswith("/"):
        return False
    _command, at, name = words[0].partition("@")
    return not at or name.lower() == username.lower()


def group_notice(username: str) -> tuple[str, InlineKeyboardMarkup]:
    """What the bot says in a group, with a button that opens its private chat."""
    text = _(
        "Hi! My reminders are personal, so I work in private chats only. Tap the button to "
        "open a chat with me, then send /start there."
    )
    # A plain link: /start takes a deep link's payload as the name of a schedule.
    button = InlineKeyboardButton(_("Open a private chat"), url=f"https://t.me/{username}")
    return text, InlineKeyboardMarkup([[button]])


class GroupChats:
    """Every update from a group stops here, so nothing about a group is ever stored. The bot
    points people to its private chat once per group and run: when it is added, or else at
    the first command addressed to it; plain messages get no answer."""

    def __init__(self) -> None:
        self.told = OncePer()

    async def check(self, update: object, context: BotContext) -> None:
        """Private chats go on; a group's update may get the one notice, and stops."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        chat = update.effective_chat
        if chat.type == ChatType.PRIVATE:
            return
        if update.callback_query is not None:
            await update.callback_query.answer()
        elif chat.type in GROUPS and self._should_tell(update, context.bot.username):
            await self._tell(update, context, chat.id)
        raise ApplicationHandlerStop

    def _should_tell(self, update: Update, username: str) -> bool:
        change = update.my_chat_member
        chat_id = update.effective_chat.id if update.effective_chat else 0
        if change is not None:
            if change.new_chat_member.status not in IN_GROUP:
                self.told.forget(chat_id)  # removed: a new invitation is greeted again
                return False
            if change.old_chat_member.status in IN_GROUP:
                return False  # a change of rights, not an invitation
            self.told.forget(chat_id)
        elif update.message is None or not addressed_to(update.message.text or "", username):
            return False
        return self.told.first(chat_id)

    async def _tell(self, update: Update, context: BotContext, chat_id: int) -> None:
        user = update.effective_user
        with i18n.language(user.language_code if user else None):
            text, markup = group_notice(context.bot.username)
            try:
                await context.bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
            except (BadRequest, Forbidden) as error:  # e.g. not allowed to write there
                log.info("could not post in a group: %s", error)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the user something went wrong on our side, unless Telegram
    only said the chat is closed to us or an edit was not needed."""
    error = context.error
    if nothing_went_wrong(error):
        # Blocked while we answered (the my_chat_member update marks them), or an edit not
        # needed: nobody to tell, and presses are answered before their edits.
        log.info("Telegram refused a call, harmlessly: %s", error)
        return
    log.error("error while handling an update", exc_info=error)
    await _stop_spinner(update)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update, _("Sorry, something went wrong on my side. Please try again."))
        except Exception:  # noqa: BLE001 - the error handler must never raise
            log.exception("could not tell the user about the error")


async def _stop_spinner(update: object) -> None:
    """Answer the press, in case the handler failed before it did (a second answer is refused
    by Telegram, harmlessly)."""
    if isinstance(update, Update) and update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            pass
