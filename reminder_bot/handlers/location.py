"""The time zone from a shared location: looked up offline (tzfpy), then confirmed with a button.

The coordinates are used for the lookup and dropped: only the zone name goes into the confirm
button's data (``Settings(Screen.LOCATION_YES, zone)``), and only a confirmed zone is stored.
"""

from __future__ import annotations

import html
import re

import tzfpy
from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode

from reminder_bot.callbacks import Screen
from reminder_bot.handlers.common import registered, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.handlers.settings_screens import button
from reminder_bot.i18n import _
from reminder_bot.parsing import ParseError, parse_timezone, zone_from_name
from reminder_bot.store import User

# tzfpy names the open sea by whole-hour offsets, with POSIX's inverted sign (Etc/GMT-5 is UTC+5).
_SEA_ZONE = re.compile(r"Etc/(?:GMT|UTC)(?:([+-])(\d{1,2}))?")


def zone_at(latitude: float, longitude: float) -> str | None:
    """The canonical zone name (``parse_timezone``'s) at a place; None when there is none."""
    try:
        name = tzfpy.get_tz(longitude, latitude)
    except (ValueError, OverflowError):
        return None
    sea = _SEA_ZONE.fullmatch(name or "")
    if sea is not None:
        sign = "-" if sea[1] == "+" else "+"
        name = f"UTC{sign}{int(sea[2] or 0)}"
    try:
        return parse_timezone(name) if name else None
    except ParseError:
        return None


def location_keyboard() -> ReplyKeyboardMarkup:
    """One button that shares the location (mobile clients, private chats)."""
    share = KeyboardButton("📍 " + _("Share my location"), request_location=True)
    return ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)


async def _send(
    message: Message, text: str, markup: ReplyKeyboardMarkup | ReplyKeyboardRemove
) -> None:
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)


async def ask_location(update: Update) -> None:
    """Offer the "share my location" keyboard (the settings menu's 📍 button)."""
    if update.effective_message is None:
        return
    text = _(
        "Tap “📍 Share my location” below (on a phone) and I'll set your time zone from it. "
        "Only the time zone is kept, never the location."
    )
    await _send(update.effective_message, text, location_keyboard())


@registered
async def location_message(update: Update, context: BotContext, user: User) -> None:
    """A shared location: find its zone and ask before setting it; the keyboard goes away."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    zone = zone_at(message.location.latitude, message.location.longitude)
    if zone is None:
        text = _("I couldn't tell the time zone of that place. Pick one with /settings.")
        await _send(message, text, ReplyKeyboardRemove())
        return
    if zone == user.timezone:
        text = _("📍 That place is in your time zone already: <b>{zone}</b>.")
        await _send(message, text.format(zone=html.escape(zone)), ReplyKeyboardRemove())
        return
    thanks = _("📍 Thanks. I used the location only to look up its time zone; it is not kept.")
    await _send(message, thanks, ReplyKeyboardRemove())
    local = context.services.clock.now().astimezone(zone_from_name(zone))
    question = _("Set your time zone to <b>{zone}</b>? It's {time} there now.").format(
        zone=html.escape(zone), time=f"{local:%H:%M}"
    )
    yes = button("✅ " + _("Yes"), Screen.LOCATION_YES, zone)
    no = button(_("No"), Screen.LOCATION_NO)
    await reply(update, question, InlineKeyboardMarkup([[yes, no]]))
