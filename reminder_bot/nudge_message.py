"""What a nudge looks like in the chat: its HTML text and its Done / Snooze / Skip buttons, for
the first send and for the resend after a snooze."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from reminder_bot import i18n
from reminder_bot.callbacks import NudgeAction, NudgeChoice, encode
from reminder_bot.content import Content, render_nudge
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
    labels = {
        NudgeChoice.DONE: "✅ " + _("Done"),
        NudgeChoice.SNOOZE: "⏰ " + _("Snooze 10 min"),
        NudgeChoice.SKIP: "⏭ " + _("Skip"),
    }
    if not can_snooze:
        del labels[NudgeChoice.SNOOZE]
    buttons = [
        InlineKeyboardButton(label, callback_data=encode(NudgeAction(delivery_id, choice)))
        for choice, label in labels.items()
    ]
    return InlineKeyboardMarkup([buttons])
