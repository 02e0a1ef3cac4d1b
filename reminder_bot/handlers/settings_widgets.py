"""The pieces every /settings screen is built from: a button that names a screen or a change
(``callbacks.Settings``), a Back row, rows of buttons, the choice in force checked, an hour
picker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from telegram import InlineKeyboardButton

from reminder_bot.callbacks import Screen, Settings, encode
from reminder_bot.i18n import _

Keyboard = list[list[InlineKeyboardButton]]
View = tuple[str, Keyboard]


def button(label: str, screen: Screen, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(Settings(screen, arg)))


def back(screen: Screen, arg: str = "") -> list[InlineKeyboardButton]:
    return [button("⬅️ " + _("Back"), screen, arg)]


def rows_of(buttons: Sequence[InlineKeyboardButton], width: int) -> Keyboard:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def marked(label: str, chosen: bool) -> str:
    """The label of the choice in force carries a check mark."""
    return f"✅ {label}" if chosen else label


def hour_rows(selected: time | None, screen: Screen, prefix: str = "") -> Keyboard:
    """A button for each whole hour, four a row, the one in force checked."""
    hours = [
        button(marked(f"{hour:02d}:00", selected == time(hour)), screen, f"{prefix}{hour}")
        for hour in range(24)
    ]
    return rows_of(hours, 4)
