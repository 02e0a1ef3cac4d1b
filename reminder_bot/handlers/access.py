"""Who may use the bot: everyone, or only the people in REMINDER_BOT_ALLOWED_USERS (and the
admins). The gate runs before every other handler; anyone else is refused once and no other
handler runs for them, so nothing about them is stored: no user row, no language, no delivery.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from reminder_bot import i18n
from reminder_bot.handlers.common import reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import _

log = logging.getLogger(__name__)

# How many ids a OncePer remembers. A flood of distinct ids can't grow the process without
# bound; forgetting the oldest only costs that one id a second notice.
REMEMBERED = 10_000


class OncePer:
    """Ids already told something in this run, in memory only (nothing about strangers goes
    to disk), at most ``limit`` of them, the oldest forgotten first."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        self.limit = limit
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first(self, key: int) -> bool:
        """True the first time ``key`` is seen (it is remembered from then on)."""
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self.limit:
            self._seen.popitem(last=False)
        return True

    def forget(self, key: int) -> None:
        self._seen.pop(key, None)


def refusal(user_id: int) -> str:
    """The one message a stranger gets, with the id the operator needs to let them in."""
    return (
        _("Sorry, this bot is private: only people its operator has added can use it.")
        + "\n\n"
        + _("If you know the operator, send them your Telegram user id: <code>{id}</code>").format(
            id=user_id
        )
    )


def refusal_short(user_id: int) -> str:
    """A stranger's button press (answerCallbackQuery: at most 200 characters)."""
    return _("Sorry, this bot is private. Your user id: {id}").format(id=user_id)


class AccessGate:
    """The first handler group: lets allowed users through, refuses anyone else and stops.

    A stranger is answered once per run (``OncePer``): someone who keeps writing must not make
    the bot write back every time, and the bot keeps no record of them to know better. Each
    button press of theirs is still answered, so the button's spinner stops.
    """

    def __init__(self) -> None:
        self.refused = OncePer()

    async def check(self, update: object, context: BotContext) -> None:
        """Let an allowed user's update on; refuse anyone else's and stop every handler."""
        if not isinstance(update, Update) or update.effective_user is None:
            return
        user = update.effective_user
        if context.services.config.may_use(user.id):
            return
        # Their text and name stay out of the logs: only that an update was refused.
        log.debug("refused an update from user %d", user.id)
        with i18n.language(user.language_code):
            await self._refuse(update, user.id)
        raise ApplicationHandlerStop

    async def _refuse(self, update: Update, user_id: int) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer(refusal_short(user_id), show_alert=True)
            return
        chat = update.effective_chat
        # In a group the id would be shown to everyone: strangers get silence there.
        if update.effective_message is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        if self.refused.first(user_id):
            await reply(update, refusal(user_id))
