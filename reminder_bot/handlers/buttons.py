"""The one entry point for inline buttons: decode the callback data, hand it to its handler."""

from __future__ import annotations

from telegram import Update

from reminder_bot.callbacks import (
    CallbackDataError,
    ForgetConfirm,
    LanguagePick,
    Menu,
    NudgeAction,
    PainScore,
    PresetPick,
    SafetyAnswer,
    Settings,
    StatsView,
    TimeZonePick,
    decode,
)
from reminder_bot.handlers.account import forget_button
from reminder_bot.handlers.checkin_buttons import checkin_button
from reminder_bot.handlers.common import button_query, command, out_of_date
from reminder_bot.handlers.context import BotContext
from reminder_bot.handlers.health import safety_button
from reminder_bot.handlers.language import language_button
from reminder_bot.handlers.nudge_buttons import nudge_button
from reminder_bot.handlers.onboarding import menu_button, preset_button, timezone_button
from reminder_bot.handlers.settings import settings_button
from reminder_bot.handlers.stats import stats_button


@command
async def button(update: Update, context: BotContext) -> None:
    """Route a button press by what its callback data decodes to."""
    query = button_query(update)
    try:
        pressed = decode(query.data)
    except CallbackDataError:
        await out_of_date(query)
        return
    match pressed:
        case NudgeAction():
            await nudge_button(update, context, pressed)
        case TimeZonePick():
            await timezone_button(update, context, pressed)
        case PresetPick():
            await preset_button(update, context, pressed)
        case Menu():
            await menu_button(update, context, pressed)
        case ForgetConfirm():
            await forget_button(update, context, pressed)
        case Settings():
            await settings_button(update, context, pressed)
        case LanguagePick():
            await language_button(update, context, pressed)
        case SafetyAnswer():
            await safety_button(update, context, pressed)
        case PainScore():
            await checkin_button(update, context, pressed)
        case StatsView():
            await stats_button(update, context, pressed)
