"""Done / Skip / Snooze (10 min, 30 min, 1 h) under a nudge."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta, tzinfo

from telegram import Update
from telegram.constants import ParseMode

from reminder_bot.callbacks import NudgeAction, NudgeChoice
from reminder_bot.delivery_rules import SNOOZE, SNOOZE_CHOICES
from reminder_bot.handlers.common import button_query
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import _
from reminder_bot.rule_text import format_quiet
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import ActionOutcome, User
from reminder_bot.when_text import format_when

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
        pressed.snooze,
        message_id=query.message.message_id if query.message is not None else None,
    )
    if result.outcome is ActionOutcome.NOT_YOURS:
        await query.answer(_("This reminder isn't yours."), show_alert=True)
        return
    if result.outcome is ActionOutcome.CLOSED:
        await query.answer(_("This reminder is already closed."))
        return
    user = context.stored_user
    zone = user.zone if user else UTC
    if result.outcome in REFUSED_SNOOZE:
        refusal = snooze_refusal(result.outcome, user, now, pressed.snooze)
        await query.answer(refusal, show_alert=True)
        return
    if pressed.action is NudgeChoice.SNOOZE or result.rescheduled:
        svc.dispatcher.kick()
    answer, status = acknowledgement(pressed.action, now, zone, pressed.snooze)
    await query.answer(answer)
    message = query.message
    original = message.text_html if message is not None and hasattr(message, "text_html") else ""
    await query.edit_message_text(
        f"{original}\n\n<i>{html.escape(status)}</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=None,
    )


REFUSED_SNOOZE = (ActionOutcome.SNOOZE_QUIET, ActionOutcome.SNOOZE_PAUSED)


def snooze_refusal(
    outcome: ActionOutcome, user: User | None, now: datetime, snooze: timedelta
) -> str:
    """The alert for a snooze that would come back in quiet hours or a pause, and what to do:
    a shorter snooze where there is one."""
    zone = user.zone if user else UTC
    if outcome is ActionOutcome.SNOOZE_PAUSED and user and user.paused_until:
        return _(
            "Your reminders are paused until {when}, so a snoozed one can't come back before "
            "then. Press Done or Skip."
        ).format(when=format_when(user.paused_until, zone, now))
    quiet = format_quiet(user.quiet) if user and user.quiet else "-"
    if snooze > SNOOZE_CHOICES[0]:
        return _(
            "That would bring it back in your quiet hours ({quiet}). Pick a shorter snooze, "
            "or press Done or Skip."
        ).format(quiet=quiet)
    return _("That would bring it back in your quiet hours ({quiet}). Press Done or Skip.").format(
        quiet=quiet
    )


def acknowledgement(
    action: NudgeChoice, now: datetime, zone: tzinfo, snooze: timedelta = SNOOZE
) -> tuple[str, str]:
    """(the toast for the press, the line noted under the nudge), times in the user's zone."""
    if action is NudgeChoice.DONE:
        done_at = f"{now.astimezone(zone):%H:%M}"
        return _("Nice work! 💪"), _("✅ Done at {time}").format(time=done_at)
    if action is NudgeChoice.SNOOZE:
        until = f"{(now + snooze).astimezone(zone):%H:%M}"
        return (
            _("I'll remind you again at {time}.").format(time=until),
            _("⏰ Snoozed until {time}").format(time=until),
        )
    return _("Skipped."), _("⏭ Skipped")
