"""Messages the dispatcher sends on a schedule besides nudges: the weekly summary and the daily
pain check-in. Each is a schedule row of its own (``schedule.EXTRAS``), so it is claimed, kept
out of quiet hours and pauses, and logged exactly like a nudge (never twice after a restart);
only what the message says comes from elsewhere, from the composer registered for its kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from reminder_bot.store import Delivery

# Telegram's limit on a photo's caption (sendPhoto ``caption``: 0-1024 characters).
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class Outgoing:
    """One scheduled message: HTML text, optional buttons, and optionally a PNG it captions."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    photo: bytes | None = None

    def __post_init__(self) -> None:
        if self.photo is not None and len(self.text) > CAPTION_LIMIT:
            raise ValueError(f"a photo's caption is at most {CAPTION_LIMIT} characters")


# What a claimed slot of one kind says, in the user's language (the delivery carries it).
Composer = Callable[[Delivery], Awaitable[Outgoing]]
Composers = Mapping[str, Composer]
