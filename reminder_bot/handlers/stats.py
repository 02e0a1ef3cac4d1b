"""/stats: each habit's figures as text and a chart of the last 14 days as a photo, whose button
switches the chart to 30 days and back (the photo is edited in place with editMessageMedia, or
sent anew when the message is gone)."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    Update,
)
from telegram.constants import ParseMode

from reminder_bot.callbacks import STATS_DAYS, StatsView, encode
from reminder_bot.handlers.common import (
    Command,
    button_query,
    registered,
    registered_press,
    reply,
)
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_, _
from reminder_bot.stats_report import chart_png, no_history_text, split_caption, stats_text
from reminder_bot.store import User
from reminder_bot.store.progress_reads import UserProgress


def period_keyboard(days: int) -> InlineKeyboardMarkup:
    """The one button that switches the chart to the other period."""
    other = STATS_DAYS[1] if days == STATS_DAYS[0] else STATS_DAYS[0]
    label = _("📈 Last {days} days").format(days=other)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=encode(StatsView(other)))]]
    )


async def _progress(context: BotContext, user: User) -> UserProgress | None:
    svc = context.services
    progress = await svc.store.user_progress(user.id, svc.clock.now())
    return progress if progress is not None and progress.has_history else None


@registered
async def stats_command(update: Update, context: BotContext, user: User) -> None:
    """Send the figures and the chart of the last 14 days."""
    progress = await _progress(context, user)
    if progress is None:
        await reply(update, no_history_text())
        return
    days = STATS_DAYS[0]
    await _send_chart(update, context, progress, await chart_png(progress, days), days)


@registered_press
async def stats_button(
    update: Update, context: BotContext, pressed: StatsView, user: User
) -> None:
    """Show the chart of the period pressed in place of the one shown."""
    query = button_query(update)
    await query.answer()
    progress = await _progress(context, user)
    if progress is None:
        await reply(update, no_history_text())
        return
    png = await chart_png(progress, pressed.days)
    message = query.message
    if isinstance(message, Message) and message.photo:
        caption, _rest = split_caption(stats_text(progress))
        media = InputMediaPhoto(png, caption=caption, parse_mode=ParseMode.HTML)
        await query.edit_message_media(media, reply_markup=period_keyboard(pressed.days))
        return
    # The photo is gone (deleted, or too old to edit): the chart comes as a new message.
    await _send_chart(update, context, progress, png, pressed.days)


async def _send_chart(
    update: Update, context: BotContext, progress: UserProgress, png: bytes, days: int
) -> None:
    """The chart with the figures as its caption, or after it when they are too long for one."""
    caption, rest = split_caption(stats_text(progress))
    assert update.effective_chat is not None
    await context.bot.send_photo(
        update.effective_chat.id,
        png,
        caption=caption,
        parse_mode=ParseMode.HTML,
        reply_markup=period_keyboard(days),
    )
    if rest is not None:
        await reply(update, rest)


COMMANDS: tuple[Command, ...] = (
    Command("stats", N_("Your progress: figures and a chart"), stats_command),
)
