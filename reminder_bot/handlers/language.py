"""The bot's language: /language and its buttons, and the bot's profile (command menu and
descriptions) published in every language at start-up.

Until a user picks a language the bot follows their Telegram client's (``language_code``, its
primary subtag: ``es-419`` -> ``es``); a pick is stored and wins from then on.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from reminder_bot import i18n
from reminder_bot.callbacks import LanguagePick, encode
from reminder_bot.handlers.common import (
    Command,
    button_query,
    edit_pressed,
    registered,
    registered_press,
    reply,
)
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_, _
from reminder_bot.store import User

# The bot's profile. setMyDescription (at most 512 characters) is what an empty chat shows
# before /start; setMyShortDescription (at most 120) the profile page and shared links.
DESCRIPTION = N_(
    "I send you small nudges through the day to get up and move, stretch, drink water and "
    "check your posture. Regular exercise is what makes a new bout of back pain less likely; "
    "the water and posture breaks are for comfort. You choose when and how often, can pause "
    "at any time, and answer each nudge with Done, Snooze or Skip. /relief guides you through "
    "a back spasm and /redflags says when to see a doctor. General information, not medical "
    "advice."
)
SHORT_DESCRIPTION = N_(
    "Nudges to move and stretch through the day (exercise makes new back pain less likely), "
    "plus water and posture breaks."
)


@registered
async def language_command(update: Update, context: BotContext, user: User) -> None:
    """Offer every language the bot speaks as a button."""
    await reply(update, _("Which language should I write to you in?"), language_keyboard(user))


def language_keyboard(user: User) -> InlineKeyboardMarkup:
    """One button per language, each named in its own language; the user's has a tick."""
    current = i18n.pick_language(user.language)
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == current else "") + i18n.language_name(code),
            callback_data=encode(LanguagePick(code)),
        )
        for code in i18n.LANGUAGES
    ]
    return InlineKeyboardMarkup([buttons])


@registered_press
async def language_button(
    update: Update, context: BotContext, pressed: LanguagePick, user: User
) -> None:
    """Store the picked language and confirm it, in that language, in place of the choices."""
    svc = context.services
    query = button_query(update)
    await svc.store.set_language(user.id, pressed.language, svc.clock.now())
    with i18n.language(pressed.language):
        await query.answer()
        # TRANSLATORS: name the language of this catalogue: "... in Spanish" in Spanish.
        text = _("From now on I'll write to you in English.")
        await edit_pressed(query, text + "\n" + _("You can change it again with /language."))


async def publish_profile(bot: Bot, commands: Callable[[], list[BotCommand]]) -> None:
    """setMyDescription, setMyShortDescription and setMyCommands for each language the bot
    speaks (``language_code``), English as the default for every other; ``commands`` builds
    the menu in the current language."""
    for code, language_code in _menu_languages():
        with i18n.language(code):
            await bot.set_my_description(_(DESCRIPTION), language_code=language_code)
            await bot.set_my_short_description(_(SHORT_DESCRIPTION), language_code=language_code)
            await bot.set_my_commands(commands(), language_code=language_code)


async def publish_chat_menu(
    bot: Bot, chat_id: int, commands: Callable[[], list[BotCommand]]
) -> None:
    """A menu of its own for one chat (an admin's), in each language the bot speaks: for that
    chat Telegram shows it instead of everyone's."""
    scope = BotCommandScopeChat(chat_id)
    for code, language_code in _menu_languages():
        with i18n.language(code):
            await bot.set_my_commands(commands(), scope=scope, language_code=language_code)


def _menu_languages() -> list[tuple[str, str | None]]:
    """(language, ``language_code`` to publish it under): the default last, with none, as it
    is the menu most clients show."""
    return [
        (code, None if code == i18n.DEFAULT_LANGUAGE else code)
        for code in reversed(i18n.LANGUAGES)
    ]


# This module's rows of the command table (reminder_bot.commands).
COMMANDS = (Command("language", N_("Choose the language I write in"), language_command),)
