"""What every handler shares: the decorators that set the language, read the stored user once
and answer bad input, and the helpers that read a command and reply."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from reminder_bot import i18n
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_, _
from reminder_bot.parsing import ParseError
from reminder_bot.store import User

Handler: TypeAlias = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
UserHandler: TypeAlias = Callable[[Update, BotContext, User], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Command:
    """One row of the command table: registration, /help and Telegram's menu all read it."""

    name: str
    description: str  # marked with N_, translated where it is shown
    handler: Handler


HABIT_LABELS = {
    "hydrate": ("💧", N_("Hydrate")),
    "move": ("🚶", N_("Move")),
    "posture": ("🪑", N_("Posture")),
    "stretch": ("🤸", N_("Stretch")),
}


def command(func: Handler) -> Handler:
    """Run a handler in the user's language and answer bad input with what was wrong."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext) -> None:
        # The client's language (es-419 -> es) until the user picks one with /language; the
        # store keeps the user's row in step with it, for nudges, in the same read.
        tg_user = update.effective_user
        client = tg_user.language_code if tg_user else None
        language = i18n.pick_language(client)
        if tg_user is not None:
            context.stored_user = await context.services.store.get_user_speaking(
                tg_user.id, language if client else None
            )
            if context.stored_user is not None:
                language = context.stored_user.language
        with i18n.language(language):
            try:
                await func(update, context)
            except ParseError as error:
                await reply(update, bad_input(error, command_word(update)))

    return wrapper


def registered(func: UserHandler) -> Handler:
    """A ``command`` for people who have sent /start; anyone else is asked to first."""

    @command
    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext) -> None:
        user = await require_user(update, context)
        if user is not None:
            await func(update, context, user)

    return wrapper


Pressed = TypeVar("Pressed")


def registered_press(
    func: Callable[[Update, BotContext, Pressed, User], Coroutine[Any, Any, None]],
) -> Callable[[Update, BotContext, Pressed], Coroutine[Any, Any, None]]:
    """A button handler for people who have sent /start; anyone else is asked to first, in
    the press's own answer."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext, pressed: Pressed) -> None:
        user = await require_user(update, context)
        if user is not None:
            await func(update, context, pressed, user)

    return wrapper


async def require_user(update: Update, context: BotContext) -> User | None:
    """The stored user the decorator read, or None once they were asked to /start first: in
    the press's own answer for a button (which so is answered), else in a reply."""
    if context.stored_user is None:
        text = _("I don't know you yet. Send /start to begin.")
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        else:
            await reply(update, text)
    return context.stored_user


def command_word(update: Update) -> str | None:
    """``/schedule`` for ``/schedule@reminder_bot move off``; None for a button press."""
    if update.callback_query is not None or update.effective_message is None:
        return None
    words = (update.effective_message.text or "").split()
    if not words or not words[0].startswith("/"):
        return None
    return words[0].split("@")[0]


def argument_text(update: Update) -> str:
    """Everything after the command word (``/schedule@bot move off`` -> ``move off``)."""
    text = (update.effective_message.text if update.effective_message else None) or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


# Messages quote the input, up to 4,096 characters of it: the reply must stay within
# Telegram's limit, and the start of a long quote is enough to see what was wrong.
MESSAGE_LIMIT = 300


def bad_input(error: ParseError, command: str | None) -> str:
    """What was wrong, then one complete example of the right form."""
    example = error.example
    if command and not example.startswith("/"):
        example = f"{command} {example}"
    message = error.message
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + "…"
    return (
        f"⚠️ {html.escape(message[:1].upper() + message[1:], quote=False)}\n"
        + _("For example:")
        + f" <code>{html.escape(example, quote=False)}</code>"
    )


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send ``text`` (HTML) to the chat the update came from."""
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        do_quote=False,
        disable_web_page_preview=True,
    )


def button_query(update: Update) -> CallbackQuery:
    """The pressed button's query; the button router only sees updates that have one."""
    query = update.callback_query
    assert query is not None
    return query


async def out_of_date(query: CallbackQuery) -> None:
    """Answer a press on a button this bot no longer makes, or can no longer act on."""
    await query.answer(_("This button is no longer valid."))


def habit_label(habit: str) -> str:
    """``💧 Hydrate``, in the current language."""
    emoji, label = HABIT_LABELS[habit]
    return f"{emoji} {_(label)}"


def _plain(text: str) -> str:
    """The text Telegram keeps of our HTML: no tags, entities read."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


async def edit_pressed(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show ``text`` in place of the message whose button was pressed: edited, unless that
    would change nothing (Telegram refuses such an edit, as after a double tap), or sent anew
    when the message is gone or has no text to edit (a chart, the /export file)."""
    message = query.message
    if not isinstance(message, Message) or not message.is_accessible or message.text is None:
        # Deleted, too old for Telegram to show (date 0, "inaccessible"), or a message
        # editMessageText cannot change (a photo's caption is not its text): the menu comes
        # as a new message.
        if message is not None and text:
            await query.get_bot().send_message(
                message.chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        return
    if message.text == _plain(text) and (message.reply_markup or None) == markup:
        return
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message:
            raise


# What Telegram answers when an edit is not needed after all: the message is gone or too old, or
# a double tap asked for the text it already shows.
_EDIT_NOT_NEEDED = ("message is not modified", "message to edit not found", "message can't be")


def nothing_went_wrong(error: object) -> bool:
    """Whether Telegram's refusal is no failure of ours: the user blocked the bot while we
    answered (their my_chat_member update follows), or an edit was not needed after all."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and error.message.lower().startswith(_EDIT_NOT_NEEDED)
