"""The daily pain check-in (off until the user turns it on with /checkin): "How is your back
today?" with one button per score, 0 to 10. The dispatcher claims and sends it like a nudge and
enters the user's language first; a tap is handled in ``handlers.checkin_buttons``."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from reminder_bot.callbacks import PainScore, encode
from reminder_bot.i18n import _
from reminder_bot.outgoing import Composer, Outgoing
from reminder_bot.store import Delivery

SCORES = range(11)
# Two rows (0-5, 6-10): eleven buttons in one row are too narrow to hit on a phone.
ROW_BREAK = 6


def checkin_question() -> str:
    """The question, in the current language (HTML)."""
    question = _("How is your back today?")
    return f"🩺 <b>{question}</b>\n" + _("0 = no pain, 10 = the worst pain you can imagine.")


def score_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    """One button per score, each naming the check-in it answers."""
    buttons = [
        InlineKeyboardButton(str(score), callback_data=encode(PainScore(delivery_id, score)))
        for score in SCORES
    ]
    return InlineKeyboardMarkup([buttons[:ROW_BREAK], buttons[ROW_BREAK:]])


def make_checkin_composer() -> Composer:
    """The check-in's composer for the dispatcher (``composers={CHECKIN: ...}``)."""

    async def compose(delivery: Delivery) -> Outgoing:
        return Outgoing(checkin_question(), score_keyboard(delivery.id))

    return compose
