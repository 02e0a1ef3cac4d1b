"""Getting started: /start, /help, and the time zone, preset and menu buttons /start offers."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from reminder_bot.callbacks import Menu, PresetPick, Screen, Settings, TimeZonePick, encode
from reminder_bot.handlers.common import (
    Command,
    argument_text,
    button_query,
    command,
    out_of_date,
    registered_press,
    reply,
)
from reminder_bot.handlers.context import BotContext
from reminder_bot.handlers.schedule_settings import (
    apply_preset,
    preset_keyboard,
    preset_list,
    set_timezone,
    zone_keyboard,
)
from reminder_bot.handlers.settings_apply import change_preset, first_due_line
from reminder_bot.i18n import N_, _, pick_language
from reminder_bot.presets import Preset
from reminder_bot.store import User

# What Telegram passes on from https://t.me/<bot>?start=<payload>.
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


@command
async def start(update: Update, context: BotContext) -> None:
    """Register the user with the default preset, or the one a deep link names (``/start
    gentle`` from ``https://t.me/<bot>?start=gentle``, new or known user), and say what next."""
    svc = context.services
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    payload = argument_text(update)
    linked = link_preset(svc.presets, payload)
    preset = linked or svc.presets[svc.config.default_preset]
    user, created = await svc.store.start_user(
        tg_user.id,
        chat.id,
        tg_user.first_name,
        # What the bot speaks (es-419 -> es), as every later update stores it: else the next
        # update would rewrite it.
        pick_language(tg_user.language_code) if tg_user.language_code else None,
        svc.config.timezone,
        preset,
        svc.clock.now(),
    )
    if linked is not None and not created:
        user = (await change_preset(svc, user, linked)).user
    svc.dispatcher.kick()
    shown_preset = preset.name if created or linked else None
    greeting = welcome(tg_user.first_name or "", user, shown_preset)
    notes = [unknown_link(svc.presets, payload)] if payload and linked is None else []
    relief = _("Back hurting right now? /relief. When to see a doctor: /redflags.")
    text = "\n\n".join([greeting, *notes, await first_due_line(svc, user), relief])
    await reply(update, text, start_menu())


def link_preset(presets: Mapping[str, Preset], payload: str) -> Preset | None:
    """The preset a deep link's payload names (up to 64 of ``A-Za-z0-9_-``; any case, and
    ``_`` may stand for ``-``), so a clinic can share a link to its own preset file."""
    if not DEEP_LINK_PAYLOAD.fullmatch(payload):
        return None
    name = payload.lower()
    return presets.get(name) or presets.get(name.replace("_", "-"))


def unknown_link(presets: Mapping[str, Preset], payload: str) -> str:
    """A kind word for a link to a preset this bot does not have, with the ones it has."""
    return _(
        "I don't have a schedule called “{name}”, sorry. The ones I have: {names}. "
        "See them with the 📋 button below."
    ).format(name=html.escape(payload[:64], quote=False), names=", ".join(sorted(presets)))


def welcome(first_name: str, user: User, new_preset: str | None) -> str:
    """Hello and the settings in force; ``new_preset`` is set for someone just registered."""
    name = html.escape(first_name)
    if new_preset is not None:
        intro = _(
            "Hi {name}! I'll send you small nudges through the day to drink water, get up and "
            "move, check your posture and stretch. Regular exercise, kept up, makes a new bout "
            "of back pain less likely; the other habits are for comfort and general health."
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
    """The buttons under /start's reply: time zone, schedule presets and the settings menu."""
    timezone = encode(Menu.TIMEZONE)
    preset = encode(Menu.PRESET)
    settings = encode(Settings(Screen.OPEN))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🌍 " + _("Time zone"), callback_data=timezone),
                InlineKeyboardButton("📋 " + _("Schedule presets"), callback_data=preset),
            ],
            [InlineKeyboardButton("⚙️ " + _("Settings"), callback_data=settings)],
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


@registered_press
async def timezone_button(
    update: Update, context: BotContext, pressed: TimeZonePick, user: User
) -> None:
    """Set the time zone picked from the buttons."""
    query = button_query(update)
    text = await set_timezone(context.services, user, pressed.zone)
    await query.answer(_("Time zone set."))
    await reply(update, text)


@registered_press
async def preset_button(
    update: Update, context: BotContext, pressed: PresetPick, user: User
) -> None:
    """Apply the preset picked from the buttons."""
    svc = context.services
    query = button_query(update)
    preset = svc.presets.get(pressed.name)
    if preset is None:
        await out_of_date(query)
        return
    await query.answer(_("Preset applied."))
    await reply(update, await apply_preset(svc, user, preset))


@registered_press
async def menu_button(update: Update, context: BotContext, pressed: Menu, user: User) -> None:
    """The /start buttons: show the time zone or preset choices."""
    svc = context.services
    query = button_query(update)
    await query.answer()
    if pressed is Menu.TIMEZONE:
        text = _("Pick your time zone, or type it: <code>/timezone Asia/Tokyo</code>")
        await reply(update, text, zone_keyboard())
    else:
        await reply(update, preset_list(svc, user), preset_keyboard(svc.presets))


# This module's rows of the command table (reminder_bot.commands); /help is there.
COMMANDS = (Command("start", N_("Start the reminders (or restart them)"), start),)
