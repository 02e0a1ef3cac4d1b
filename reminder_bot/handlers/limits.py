"""The per-user rate (REMINDER_BOT_USER_RATE): a handler group that runs before the others, so
one person flooding the bot makes it write one "slow down" and then nothing until their minute
has passed. It reads no database: a flood costs a dictionary lookup per update."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from reminder_bot import i18n
from reminder_bot.handlers.common import reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import _
from reminder_bot.user_limits import UserRateLimit, Verdict

log = logging.getLogger(__name__)

# Going through the settings menu is a tap a second or so: presses get three times the budget of
# messages, counted apart, so someone setting up their week is never told to slow down.
PRESSES_PER_MESSAGE = 3


def slow_down() -> str:
    return _(
        "You're sending messages faster than I can keep up with, so I'll skip the next ones "
        "for a minute. Try again then."
    )


def slow_down_short() -> str:
    """For a button press (answerCallbackQuery: at most 200 characters)."""
    return _("Too many taps: wait a minute, then try again.")


class RateGate:
    """Lets a user's update on while they are under the rate; past it, stops every handler.

    A button press past the rate is still answered (the spinner must stop within a second),
    with the notice the first time and silently after that."""

    def __init__(self) -> None:
        self._messages: UserRateLimit | None = None
        self._presses: UserRateLimit | None = None

    async def check(self, update: object, context: BotContext) -> None:
        """Count a user's message or button press; past their rate, answer once and stop."""
        if not isinstance(update, Update) or update.effective_user is None:
            return
        if update.effective_message is None and update.callback_query is None:
            return  # membership changes and the like ask for no answer
        services = context.services
        if self._messages is None or self._presses is None:
            rate = int(services.config.user_rate)
            self._messages = UserRateLimit(rate)
            self._presses = UserRateLimit(rate * PRESSES_PER_MESSAGE)
        limit = self._presses if update.callback_query is not None else self._messages
        user = update.effective_user
        verdict = limit.check(user.id, services.clock.now())
        if verdict is Verdict.ALLOW:
            return
        if verdict is Verdict.WARN:
            log.info("user %d is past REMINDER_BOT_USER_RATE: ignored for a minute", user.id)
        with i18n.language(user.language_code):
            await self._answer(update, verdict)
        raise ApplicationHandlerStop

    @staticmethod
    async def _answer(update: Update, verdict: Verdict) -> None:
        warn = verdict is Verdict.WARN
        if update.callback_query is not None:
            await update.callback_query.answer(slow_down_short() if warn else None)
            return
        chat = update.effective_chat
        if warn and chat is not None and chat.type == ChatType.PRIVATE:
            await reply(update, slow_down())
