"""What a nudge looks like in the chat: its HTML text and its Done / Skip / Snooze (10 min,
30 min, 1 h) buttons, for the first send and for the resend after a snooze (no Snooze)."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from reminder_bot import i18n
from reminder_bot.callbacks import NudgeAction, NudgeChoice, encode
from reminder_bot.content import Content, render_nudge
from reminder_bot.delivery_rules import SNOOZE_CHOICES
from reminder_bot.i18n import _
from reminder_bot.store import Delivery


def nudge_message(
    content: Content, delivery: Delivery, *, snoozed: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and keyboard of ``delivery``'s nudge, in the user's language.

    A snoozed nudge comes back once, so its resend has a header and no Snooze button.
    """
    with i18n.language(delivery.language):
        nudge = content.find_nudge(delivery.nudge_id or "")
        if nudge is None:
            # Content changed since the slot was claimed: any nudge of the habit will do.
            nudge = content.nudges[delivery.habit][0]
        text = render_nudge(nudge, content.disclaimer_short)
        if snoozed:
            text = _("⏰ Snoozed reminder") + "\n\n" + text
        return text, nudge_keyboard(delivery.id, can_snooze=not snoozed)


def nudge_keyboard(delivery_id: int, *, can_snooze: bool) -> InlineKeyboardMarkup:
    """Done and Skip, then one button per snooze length: any answer is one tap, and a second
    row of short labels fits a phone's width in either language."""
    rows = [
        [
            _button(delivery_id, "✅ " + _("Done"), NudgeChoice.DONE),
            _button(delivery_id, "⏭ " + _("Skip"), NudgeChoice.SKIP),
        ]
    ]
    if can_snooze:
        rows.append(
            [
                _button(delivery_id, "⏰ " + snooze_label(length), NudgeChoice.SNOOZE, length)
                for length in SNOOZE_CHOICES
            ]
        )
    return InlineKeyboardMarkup(rows)


def snooze_label(length: timedelta) -> str:
    """``10 min``, ``1 h``: a snooze length as its button says it."""
    minutes = length // timedelta(minutes=1)
    if minutes % 60 == 0:
        return _("{hours} h").format(hours=minutes // 60)
    return _("{minutes} min").format(minutes=minutes)


def _button(
    delivery_id: int, label: str, choice: NudgeChoice, snooze: timedelta | None = None
) -> InlineKeyboardButton:
    minutes = None if snooze is None else snooze // timedelta(minutes=1)
    return InlineKeyboardButton(
        label, callback_data=encode(NudgeAction(delivery_id, choice, minutes))
    )
