"""A nudge's sendMessage, rendered once per (nudge, language) and sent for its message id only.

``nudge_message`` builds the text and a PTB keyboard for one delivery; in a burst the same few
hundred texts are rendered for thousands of deliveries, PTB turns each keyboard back into JSON,
and builds a full ``Message`` from each answer when the delivery log keeps only its id. Here the
text and the keyboard's JSON are kept per (nudge, habit, language, snoozed): everything
``nudge_message`` reads from a delivery besides its id, which only the buttons' callback data
carry and which is put in for each delivery. ``raw_send`` sends them with
``Bot.do_api_request`` (still PTB's request stack, the Sender as rate limiter, PTB's error
mapping) and reads the message id from the answer's JSON.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, Protocol

from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from reminder_bot.callbacks import NudgeAction, decode, encode
from reminder_bot.content import Content
from reminder_bot.nudge_message import nudge_message
from reminder_bot.store import Delivery

_Key = tuple[str | None, str, str, bool]
Keyboard = dict[str, list[list[dict[str, Any]]]]


class SentMessage(Protocol):
    """What the dispatcher reads from an accepted send: a PTB ``Message`` or a ``Sent``."""

    @property
    def message_id(self) -> int: ...


class Sent(NamedTuple):
    message_id: int


class NudgePayloads:
    """Nudge texts and keyboards, each rendered once."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._cache: dict[_Key, tuple[str, Keyboard]] = {}
        # do_api_request warns that send_message exists; raw_send uses it on purpose, for the
        # JSON. Set once here (a filter set per call would reset the warnings' caches).
        warnings.filterwarnings(
            "ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning
        )

    def message(self, delivery: Delivery, *, snoozed: bool) -> tuple[str, Keyboard]:
        """``delivery``'s text and inline keyboard (as JSON), as ``nudge_message`` makes them."""
        key = (delivery.nudge_id, delivery.habit, delivery.language, snoozed)
        cached = self._cache.get(key)
        if cached is None:
            text, markup = nudge_message(self.content, delivery, snoozed=snoozed)
            cached = (text, markup.to_dict())
            self._cache[key] = cached
        text, keyboard = cached
        rows = [
            [_for(button, delivery.id) for button in row] for row in keyboard["inline_keyboard"]
        ]
        return text, {"inline_keyboard": rows}


def _for(button: dict[str, Any], delivery_id: int) -> dict[str, Any]:
    action = decode(button["callback_data"])
    if not isinstance(action, NudgeAction):  # every nudge button is one; keep any other as is
        return button
    own = dataclasses.replace(action, delivery_id=delivery_id)
    return {**button, "callback_data": encode(own)}


def raw_send(bot: ExtBot[Any], chat_id: int, text: str) -> Callable[..., Awaitable[Sent]]:
    """Like ``functools.partial(bot.send_message, chat_id, text)``, answering only the id."""

    async def attempt(*, rate_limit_args: Any = None, **params: Any) -> Sent:
        answer = await bot.do_api_request(
            "sendMessage",
            api_kwargs={"chat_id": chat_id, "text": text, **params},
            rate_limit_args=rate_limit_args,
        )
        return Sent(int(answer["message_id"]))

    return attempt
