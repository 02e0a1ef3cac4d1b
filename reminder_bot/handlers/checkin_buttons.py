"""A tap on the daily pain check-in: the score is kept for the day asked about, the check-in
shows it in place of its buttons, and a reply gives the week's trend in one line."""

from __future__ import annotations

import html
from datetime import date

from babel.dates import format_skeleton
from telegram import Update
from telegram.constants import ParseMode

from reminder_bot.callbacks import PainScore
from reminder_bot.checkin import checkin_question
from reminder_bot.handlers.common import button_query, edit_pressed, registered_press
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import _, babel_locale
from reminder_bot.pain import pain_trend, pain_trend_text
from reminder_bot.store import ActionOutcome, User


@registered_press
async def checkin_button(
    update: Update, context: BotContext, pressed: PainScore, user: User
) -> None:
    """Record the score, show it under the question, and reply with the week's trend."""
    svc = context.services
    query = button_query(update)
    chat = update.effective_chat
    result = await svc.store.record_checkin(
        pressed.delivery_id,
        user.id,
        chat.id if chat is not None else None,
        pressed.score,
        svc.clock.now(),
        message_id=query.message.message_id if query.message is not None else None,
    )
    if result.outcome is ActionOutcome.NOT_YOURS:
        await query.answer(_("This check-in isn't yours."), show_alert=True)
        return
    if result.outcome is not ActionOutcome.RECORDED or result.day is None:
        await query.answer(_("This check-in is closed. The next one comes at its usual time."))
        return
    await query.answer(_("Thank you. Noted: {score}/10").format(score=pressed.score))
    await edit_pressed(query, answered_text(result.day, pressed.score, result.replaced))
    # Sent anew, not as a reply: the check-in may be gone from the chat.
    trend = pain_trend_text(pain_trend(result.scores, result.day))
    await context.bot.send_message(user.chat_id, trend, parse_mode=ParseMode.HTML)


def answered_text(day: date, score: int, replaced: int | None) -> str:
    """The check-in as it stays in the chat: the question and the answer for its day."""
    when = format_skeleton("MMMEd", day, locale=babel_locale())
    if replaced is None or replaced == score:
        note = _("Your answer for {day}: {score}/10").format(day=when, score=score)
    else:
        note = _("Your answer for {day}: {score}/10 (changed from {old})").format(
            day=when, score=score, old=replaced
        )
    return f"{checkin_question()}\n\n<i>{html.escape(note, quote=False)}</i>"
