"""Getting started: /start, /help, and the time zone, preset and menu buttons /start offers."""

from __future__ import annotations

import html
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from reminder_bot.callbacks import Menu, PresetPick, TimeZonePick, encode
from reminder_bot.handlers.common import (
    Command,
    button_query,
    command,
    out_of_date,
    reply,
    require_user,
)
from reminder_bot.handlers.context import BotContext
from reminder_bot.handlers.schedule_settings import (
    apply_preset,
    first_due_line,
    preset_keyboard,
    preset_list,
    set_timezone,
    zone_keyboard,
)
from reminder_bot.i18n import N_, _
from reminder_bot.store import User


@command
async def start(update: Update, context: BotContext) -> None:
    """Register the user with the default preset and say what happens next."""
    svc = context.services
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    preset = svc.presets[svc.config.default_preset]
    user, created = await svc.store.start_user(
        tg_user.id,
        chat.id,
        tg_user.first_name,
        tg_user.language_code,
        svc.config.timezone,
        preset,
        svc.clock.now(),
    )
    svc.dispatcher.kick()
    greeting = welcome(tg_user.first_name or "", user, preset.name if created else None)
    relief = _("Back hurting right now? /relief. When to see a doctor: /redflags.")
    text = "\n\n".join([greeting, await first_due_line(svc, user), relief])
    await reply(update, text, start_menu())


def welcome(first_name: str, user: User, new_preset: str | None) -> str:
    """Hello and the settings in force; ``new_preset`` is set for someone just registered."""
    name = html.escape(first_name)
    if new_preset is not None:
        intro = _(
            "Hi {name}! I'll send you small nudges through the day to drink water, get up and "
            "move, check your posture and stretch: small habits that help keep back pain away."
        ).format(name=name)
        setup = _(
            "You're on the <b>{preset}</b> schedule in the <b>{zone}</b> time zone. "
            "Pick your time zone and a schedule with the buttons below, or see /help."
        ).format(preset=html.escape(new_preset), zone=html.escape(user.timezone))
    else:
        intro = _("Welcome back, {name}! Your settings are unchanged and nudges are on.").format(
            name=name
        )
        setup = _("Time zone: <b>{zone}</b>. See /schedule or /help.").format(
            zone=html.escape(user.timezone)
        )
    return intro + "\n\n" + setup


def start_menu() -> InlineKeyboardMarkup:
    """The two buttons under /start's reply: time zone and schedule presets."""
    timezone = encode(Menu.TIMEZONE)
    preset = encode(Menu.PRESET)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🌍 " + _("Time zone"), callback_data=timezone),
                InlineKeyboardButton("📋 " + _("Schedule presets"), callback_data=preset),
            ]
        ]
    )


def help_text(commands: Iterable[tuple[str, str]]) -> str:
    """/help: each (command, untranslated description) on a line, then schedule examples."""
    lines = [_("<b>What I can do</b>")]
    lines += [f"/{name}: {html.escape(_(description))}" for name, description in commands]
    lines.append("")
    lines.append(_("Change a habit's times, for example:"))
    lines.append("<code>/schedule move every 45m from 09:00 to 17:30 on weekdays</code>")
    lines.append("<code>/schedule stretch at 12:30 daily</code>")
    lines.append("<code>/schedule hydrate off</code>")
    return "\n".join(lines)


async def timezone_button(update: Update, context: BotContext, pressed: TimeZonePick) -> None:
    """Set the time zone picked from the buttons."""
    query = button_query(update)
    user = await require_user(update, context)
    if user is None:
        await query.answer()
        return
    text = await set_timezone(context.services, user, pressed.zone)
    await query.answer(_("Time zone set."))
    await reply(update, text)


async def preset_button(update: Update, context: BotContext, pressed: PresetPick) -> None:
    """Apply the preset picked from the buttons."""
    svc = context.services
    query = button_query(update)
    user = await require_user(update, context)
    preset = svc.presets.get(pressed.name)
    if user is None or preset is None:
        await out_of_date(query)
        return
    await query.answer(_("Preset applied."))
    await reply(update, await apply_preset(svc, user, preset))


async def menu_button(update: Update, context: BotContext, pressed: Menu) -> None:
    """The /start buttons: show the time zone or preset choices."""
    svc = context.services
    query = button_query(update)
    user = await require_user(update, context)
    await query.answer()
    if user is None:
        return
    if pressed is Menu.TIMEZONE:
        text = _("Pick your time zone, or type it: <code>/timezone Asia/Tokyo</code>")
        await reply(update, text, zone_keyboard())
    else:
        await reply(update, preset_list(svc, user), preset_keyboard(svc.presets))


# This module's rows of the command table (reminder_bot.commands); /help is there.
COMMANDS = (Command("start", N_("Start the reminders (or restart them)"), start),)
