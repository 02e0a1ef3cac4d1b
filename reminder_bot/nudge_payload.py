"""A nudge as the Bot API's sendMessage parameters, rendered once per (nudge, language).

``nudge_message`` builds the text and a PTB keyboard for one delivery; in a burst the same few
hundred texts are rendered for thousands of deliveries, and PTB then turns each keyboard back
into JSON. Here the text and the keyboard's JSON are kept per (nudge, habit, language, snoozed):
everything ``nudge_message`` reads from a delivery besides its id, which only the buttons'
callback data carry and which is put in for each delivery. The dispatcher sends the result with
``Bot.do_api_request`` (still PTB's request stack, rate limiter and error mapping) and reads
only the message id from the answer, instead of building a full ``Message``.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

from telegram.constants import ParseMode
from telegram.warnings import PTBUserWarning

from reminder_bot.callbacks import NudgeAction, decode, encode
from reminder_bot.content import Content
from reminder_bot.nudge_message import nudge_message
from reminder_bot.store import Delivery

_Key = tuple[str | None, str, str, bool]
Rows = list[list[dict[str, Any]]]


class NudgePayloads:
    """sendMessage parameters for nudges, with each text and keyboard rendered once."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._cache: dict[_Key, tuple[str, Rows]] = {}
        # do_api_request warns that send_message exists; we use it on purpose, to get the
        # answer as JSON (filters are process-wide: set here, where the choice is made).
        warnings.filterwarnings(
            "ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning
        )

    def payload(self, delivery: Delivery, *, snoozed: bool) -> dict[str, Any]:
        """The ``api_kwargs`` of ``delivery``'s sendMessage."""
        key = (delivery.nudge_id, delivery.habit, delivery.language, snoozed)
        cached = self._cache.get(key)
        if cached is None:
            text, markup = nudge_message(self.content, delivery, snoozed=snoozed)
            cached = (text, markup.to_dict()["inline_keyboard"])
            self._cache[key] = cached
        text, rows = cached
        keyboard = [[_for_delivery(button, delivery.id) for button in row] for row in rows]
        return {
            "chat_id": delivery.chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML.value,
            "reply_markup": {"inline_keyboard": keyboard},
        }


def _for_delivery(button: dict[str, Any], delivery_id: int) -> dict[str, Any]:
    action = decode(button["callback_data"])
    if not isinstance(action, NudgeAction):  # every nudge button is one; keep any other as is
        return button
    own = dataclasses.replace(action, delivery_id=delivery_id)
    return {**button, "callback_data": encode(own)}
