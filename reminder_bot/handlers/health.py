"""Help for a back that hurts now: /relief and /redflags, with the local emergency number, and
the safety gate under them ("Do any of these apply to you?"). Yes: what to do, most urgent
first, and the stretch nudges paused for a week (with a button to resume them); No: thanks."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from reminder_bot.callbacks import SafetyAnswer, encode
from reminder_bot.content import render_redflags, render_relief
from reminder_bot.content.safety import default_safety, render_gate, render_no, render_yes
from reminder_bot.emergency import LocalHelp, local_help
from reminder_bot.handlers.common import (
    Command,
    button_query,
    command,
    edit_pressed,
    habit_label,
    registered_press,
    reply,
)
from reminder_bot.handlers.context import BotContext
from reminder_bot.i18n import N_, _
from reminder_bot.store import User
from reminder_bot.when_text import format_when

# Yes pauses the exercise nudges for a week: no stretch suggestion while the back is checked.
PAUSED_HABIT = "stretch"
PAUSE_FOR = timedelta(days=7)


@command
async def relief_command(update: Update, context: BotContext) -> None:
    """Send the quick relief routine for a back spasm, then ask about the warning signs."""
    await reply(update, render_relief(context.services.content, user_local_help(context)))
    await reply(update, render_gate(default_safety(), relief=True), gate_keyboard())


@command
async def redflags_command(update: Update, context: BotContext) -> None:
    """Send the red-flag checklist, emergency tier first, then ask whether any applies."""
    await reply(update, render_redflags(context.services.content, user_local_help(context)))
    await reply(update, render_gate(default_safety(), relief=False), gate_keyboard())


def user_local_help(context: BotContext) -> LocalHelp:
    """The emergency number and UK helpline for the user's time zone; the bot's default zone
    before /start."""
    user = context.stored_user
    return local_help(user.timezone if user else context.services.config.timezone)


def gate_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Yes"), callback_data=encode(SafetyAnswer.YES)),
                InlineKeyboardButton(_("No"), callback_data=encode(SafetyAnswer.NO)),
            ]
        ]
    )


def _own_chat(update: Update) -> bool:
    """Whether the press came from the presser's own chat with the bot (a private chat's id is
    its user's): the question was asked there, of them."""
    chat, user = update.effective_chat, update.effective_user
    return chat is not None and user is not None and chat.id == user.id


async def _note_under(update: Update, note: str) -> None:
    """Add ``note`` (HTML) under the pressed message, in place of its buttons; nothing when
    the message is gone (the answer that follows says it all) or was answered already (a
    double tap)."""
    message = button_query(update).message
    if not isinstance(message, Message) or not message.is_accessible or not message.reply_markup:
        return
    # edit_pressed: a double tap's second edit would change nothing, which Telegram refuses.
    await edit_pressed(button_query(update), f"{message.text_html}\n\n<i>{note}</i>")


async def _send(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A new message in the presser's chat (the pressed one may be gone)."""
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def safety_button(update: Update, context: BotContext, pressed: SafetyAnswer) -> None:
    """Yes: the advice again and a week without stretch nudges; No: thanks; Resume (under
    Yes's answer): the stretch nudges back now."""
    query = button_query(update)
    if not _own_chat(update):
        await query.answer(
            _("This message was for someone else. Send /redflags to check the signs yourself."),
            show_alert=True,
        )
        return
    if pressed is SafetyAnswer.RESUME:
        await resume_button(update, context, pressed)
        return
    if pressed is SafetyAnswer.NO:
        await query.answer(_("Thank you."))
        await _note_under(update, html.escape(_("You answered: No")))
        await _send(update, context, render_no(default_safety()))
        return
    await query.answer()
    await _note_under(update, html.escape(_("You answered: Yes")))
    svc = context.services
    note, markup = "", None
    user = context.stored_user
    if user is not None and await _pause_stretch(context, user):
        now = svc.clock.now()
        note, markup = pause_note(now + PAUSE_FOR, user, now), resume_keyboard()
    local, disclaimer = user_local_help(context), svc.content.disclaimer_long
    await _send(update, context, render_yes(default_safety(), local, disclaimer, note), markup)


async def _pause_stretch(context: BotContext, user: User) -> bool:
    """Pause the user's stretch nudges for a week from now (a second Yes starts the week again,
    it never adds one); False, and nothing paused, when they get none anyway."""
    svc = context.services
    row = (await svc.store.schedules(user.id)).get(PAUSED_HABIT)
    if not user.active or row is None or row.next_due is None:
        return False
    now = svc.clock.now()
    await svc.store.set_habit_pause(user.id, PAUSED_HABIT, now + PAUSE_FOR, now)
    svc.dispatcher.kick()
    return True


def pause_note(until: datetime, user: User, now: datetime) -> str:
    return html.escape(
        _(
            "⏸ Your stretch reminders are paused for 7 days, until {when}, so no exercise "
            "suggestion comes while you get this checked. Your other reminders carry on."
        ).format(when=format_when(until, user.zone, now))
    )


def resume_keyboard() -> InlineKeyboardMarkup:
    label = _("▶️ Resume stretch reminders")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=encode(SafetyAnswer.RESUME))]]
    )


@registered_press
async def resume_button(
    update: Update, context: BotContext, _pressed: SafetyAnswer, user: User
) -> None:
    """Lift the stretch nudges' own pause now; say so when it was not paused (any more)."""
    query = button_query(update)
    svc = context.services
    now = svc.clock.now()
    row = (await svc.store.schedules(user.id)).get(PAUSED_HABIT)
    label = habit_label(PAUSED_HABIT)
    if row is None or row.paused_until is None or row.paused_until <= now:
        await query.answer(_("{habit} reminders are not paused.").format(habit=label))
        await _note_under(update, html.escape(_("Not paused any more.")))
        return
    await svc.store.set_habit_pause(user.id, PAUSED_HABIT, None, now)
    svc.dispatcher.kick()
    resumed = _("{habit} reminders are back on.").format(habit=label)
    await query.answer(resumed)
    await _note_under(update, html.escape(resumed))


# This module's rows of the command table (reminder_bot.commands), in menu order.
COMMANDS = (
    Command("relief", N_("Quick relief routine for a back spasm"), relief_command),
    Command("redflags", N_("When to get medical help"), redflags_command),
)
