"""Done / Snooze / Skip under a nudge."""

from __future__ import annotations

import html
from datetime import UTC, datetime, tzinfo

from telegram import Update
from telegram.constants import ParseMode

from reminder_bot.callbacks import NudgeAction, NudgeChoice
from reminder_bot.delivery_rules import SNOOZE
from reminder_bot.handlers.common import button_query
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import _
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import ActionOutcome

RECORDED_AS = {
    NudgeChoice.DONE: DeliveryStatus.DONE,
    NudgeChoice.SNOOZE: DeliveryStatus.SNOOZED,
    NudgeChoice.SKIP: DeliveryStatus.SKIPPED,
}


async def nudge_button(update: Update, context: BotContext, pressed: NudgeAction) -> None:
    """Record the press, acknowledge it, and note it under the nudge in place of the buttons."""
    svc = context.services
    query = button_query(update)
    assert update.effective_user is not None
    chat = update.effective_chat
    now = svc.clock.now()
    result = await svc.store.record_action(
        pressed.delivery_id,
        update.effective_user.id,
        chat.id if chat is not None else None,
        RECORDED_AS[pressed.action],
        now,
        SNOOZE,
        message_id=query.message.message_id if query.message is not None else None,
    )
    if result.outcome is ActionOutcome.NOT_YOURS:
        await query.answer(_("This reminder isn't yours."), show_alert=True)
        return
    if result.outcome is ActionOutcome.CLOSED:
        await query.answer(_("This reminder is already closed."))
        return
    if pressed.action is NudgeChoice.SNOOZE:
        svc.dispatcher.kick()
    user = context.stored_user
    answer, status = acknowledgement(pressed.action, now, user.zone if user else UTC)
    await query.answer(answer)
    message = query.message
    original = message.text_html if message is not None and hasattr(message, "text_html") else ""
    await query.edit_message_text(
        f"{original}\n\n<i>{html.escape(status)}</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=None,
    )


def acknowledgement(action: NudgeChoice, now: datetime, zone: tzinfo) -> tuple[str, str]:
    """(the toast for the press, the line noted under the nudge), times in the user's zone."""
    if action is NudgeChoice.DONE:
        done_at = f"{now.astimezone(zone):%H:%M}"
        return _("Nice work! 💪"), _("✅ Done at {time}").format(time=done_at)
    if action is NudgeChoice.SNOOZE:
        until = f"{(now + SNOOZE).astimezone(zone):%H:%M}"
        return (
            _("I'll remind you again in 10 minutes."),
            _("⏰ Snoozed until {time}").format(time=until),
        )
    return _("Skipped."), _("⏭ Skipped")
