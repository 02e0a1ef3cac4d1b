"""Chat handlers: each one parses, acts through the store, and replies. Nothing here knows about
time math or SQL; bad input raises ParseError, which one decorator turns into a reply."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, TypeAlias

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from reminder_bot import i18n
from reminder_bot.clock import Clock
from reminder_bot.config import Config
from reminder_bot.content import Content, render_redflags, render_relief
from reminder_bot.dispatcher import SNOOZE, Dispatcher
from reminder_bot.emergency import emergency_number
from reminder_bot.i18n import N_, _
from reminder_bot.parsing import (
    ParseError,
    describe_rule,
    parse_habit,
    parse_pause,
    parse_quiet,
    parse_rule,
    parse_schedule_command,
    parse_timezone,
    zone_from_name,
)
from reminder_bot.presets import Preset
from reminder_bot.schedule import HABITS, Rule, next_window_start
from reminder_bot.store import Store, User, format_quiet

log = logging.getLogger(__name__)

Context: TypeAlias = ContextTypes.DEFAULT_TYPE

HABIT_LABELS = {
    "hydrate": ("💧", N_("Hydrate")),
    "move": ("🚶", N_("Move")),
    "posture": ("🪑", N_("Posture")),
    "stretch": ("🤸", N_("Stretch")),
}

# Offered as buttons by /start and /timezone; anything else is typed (/timezone Asia/Tokyo).
COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)

# (command, menu description); /help and Telegram's menu are both built from this list.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start the reminders (or restart them)")),
    ("schedule", N_("Show or change when each habit nudges you")),
    ("preset", N_("List or apply a ready-made schedule")),
    ("timezone", N_("Set your time zone")),
    ("quiet", N_("Set quiet hours with no nudges")),
    ("pause", N_("Pause nudges for a while")),
    ("resume", N_("Resume nudges after a pause")),
    ("relief", N_("Quick relief routine for a back spasm")),
    ("redflags", N_("When to get medical help")),
    ("stop", N_("Stop all nudges (your settings are kept)")),
    ("forget", N_("Delete everything the bot knows about you")),
    ("help", N_("List the commands")),
)


@dataclass
class Services:
    """Everything handlers need, created in post_init and kept in ``bot_data``."""

    config: Config
    store: Store
    content: Content
    presets: dict[str, Preset]
    clock: Clock
    dispatcher: Dispatcher


def services(context: Context) -> Services:
    result: Services = context.bot_data["services"]
    return result


Handler: TypeAlias = Callable[[Update, Context], Coroutine[Any, Any, None]]


def command(func: Handler) -> Handler:
    """Run a handler in the user's language and answer bad input with what was wrong."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: Context) -> None:
        user = update.effective_user
        language = user.language_code if user else None
        if user is not None:
            stored = await services(context).store.run(services(context).store.get_user, user.id)
            if stored is not None:
                language = stored.language or language
        with i18n.language(language):
            try:
                await func(update, context)
            except ParseError as error:
                await reply(update, bad_input(error, command_word(update)))

    return wrapper


def command_word(update: Update) -> str | None:
    """``/schedule`` for ``/schedule@reminder_bot move off``; None for a button press."""
    if update.callback_query is not None or update.effective_message is None:
        return None
    words = (update.effective_message.text or "").split()
    if not words or not words[0].startswith("/"):
        return None
    return words[0].split("@")[0]


def bad_input(error: ParseError, command: str | None) -> str:
    """What was wrong, then one complete example of the right form."""
    example = error.example
    if command and not example.startswith("/"):
        example = f"{command} {example}"
    return (
        f"⚠️ {html.escape(error.message[:1].upper() + error.message[1:], quote=False)}\n"
        + _("For example:")
        + f" <code>{html.escape(example, quote=False)}</code>"
    )


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        do_quote=False,
        disable_web_page_preview=True,
    )


def argument_text(update: Update) -> str:
    """Everything after the command word (``/schedule@bot move off`` -> ``move off``)."""
    text = (update.effective_message.text if update.effective_message else None) or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def habit_label(habit: str) -> str:
    emoji, label = HABIT_LABELS[habit]
    return f"{emoji} {_(label)}"


WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTH_NAMES = (
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
)  # fmt: skip


def format_when(when: datetime, zone: tzinfo, now: datetime) -> str:
    """A due time as the user reads it: 'today 14:30', 'tomorrow 09:00', 'Mon 3 Mar 09:00'."""
    local = when.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        return _("today {time}").format(time=f"{local:%H:%M}")
    if local.date() == today + timedelta(days=1):
        return _("tomorrow {time}").format(time=f"{local:%H:%M}")
    weekday = _(WEEKDAY_NAMES[local.weekday()])
    month = _(MONTH_NAMES[local.month - 1])
    return f"{weekday} {local.day} {month} {local:%H:%M}"


async def require_user(update: Update, context: Context) -> User | None:
    """The stored user, or a reply asking them to /start first."""
    svc = services(context)
    assert update.effective_user is not None
    user = await svc.store.run(svc.store.get_user, update.effective_user.id)
    if user is None:
        await reply(update, _("I don't know you yet. Send /start to begin."))
    return user


async def rescheduled(svc: Services, user_id: int) -> User:
    """After a change to the user's settings: wake the dispatcher, return the stored user."""
    svc.dispatcher.kick()
    user = await svc.store.run(svc.store.get_user, user_id)
    assert user is not None
    return user


async def first_due_line(svc: Services, user: User) -> str:
    rows = await svc.store.run(svc.store.schedules, user.id)
    due = [(row.next_due, habit) for habit, row in rows.items() if row.next_due is not None]
    now = svc.clock.now()
    if not user.active:
        return _("Nudges are stopped. Send /start to turn them back on.")
    if not due:
        return _("No nudges are scheduled. Pick a schedule with /preset or /schedule.")
    when, habit = min(due)
    return _("Next nudge: {habit}, {when}.").format(
        habit=habit_label(habit), when=format_when(when, user.zone, now)
    )


def zone_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(zone, callback_data=f"tz:{zone}")
            for zone in COMMON_ZONES[i : i + 2]
        ]
        for i in range(0, len(COMMON_ZONES), 2)
    ]
    return InlineKeyboardMarkup(rows)


def preset_keyboard(presets: dict[str, Preset]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(name, callback_data=f"preset:{name}")] for name in sorted(presets)]
    )


# ----- commands ------------------------------------------------------------------------------


@command
async def start(update: Update, context: Context) -> None:
    """Register the user with the default preset and say what happens next."""
    svc = services(context)
    tg_user = update.effective_user
    chat = update.effective_chat
    assert tg_user is not None and chat is not None
    preset = svc.presets[svc.config.default_preset]
    user, created = await svc.store.run(
        svc.store.start_user,
        tg_user.id,
        chat.id,
        tg_user.first_name,
        tg_user.language_code,
        svc.config.timezone,
        preset,
        svc.clock.now(),
    )
    svc.dispatcher.kick()
    name = html.escape(tg_user.first_name or "")
    if created:
        intro = _(
            "Hi {name}! I'll send you small nudges through the day to drink water, get up and "
            "move, check your posture and stretch: small habits that help keep back pain away."
        ).format(name=name)
        setup = _(
            "You're on the <b>{preset}</b> schedule in the <b>{zone}</b> time zone. "
            "Pick your time zone and a schedule with the buttons below, or see /help."
        ).format(preset=html.escape(preset.name), zone=html.escape(user.timezone))
    else:
        intro = _("Welcome back, {name}! Your settings are unchanged and nudges are on.").format(
            name=name
        )
        setup = _("Time zone: <b>{zone}</b>. See /schedule or /help.").format(
            zone=html.escape(user.timezone)
        )
    relief = _("Back hurting right now? /relief. When to see a doctor: /redflags.")
    text = "\n\n".join([intro, setup, await first_due_line(svc, user), relief])
    buttons = [
        [
            InlineKeyboardButton("🌍 " + _("Time zone"), callback_data="menu:timezone"),
            InlineKeyboardButton("📋 " + _("Schedule presets"), callback_data="menu:preset"),
        ]
    ]
    await reply(update, text, InlineKeyboardMarkup(buttons))


@command
async def help_command(update: Update, context: Context) -> None:
    """List every command with one line each."""
    lines = [_("<b>What I can do</b>")]
    lines += [f"/{name}: {html.escape(_(description))}" for name, description in COMMANDS]
    lines.append("")
    lines.append(_("Change a habit's times, for example:"))
    lines.append("<code>/schedule move every 45m from 09:00 to 17:30 on weekdays</code>")
    lines.append("<code>/schedule stretch at 12:30 daily</code>")
    lines.append("<code>/schedule hydrate off</code>")
    await reply(update, "\n".join(lines))


@command
async def schedule_command(update: Update, context: Context) -> None:
    """Show each habit's rule and next due time, or change one habit's rule."""
    svc = services(context)
    user = await require_user(update, context)
    if user is None:
        return
    args = argument_text(update)
    if args:
        habit, rule = parse_schedule_rule(args)
        await svc.store.run(svc.store.set_rule, user.id, habit, rule, svc.clock.now())
        svc.dispatcher.kick()
        head = _("{habit}: {rule}.").format(habit=habit_label(habit), rule=describe_rule(rule))
        await reply(update, f"✅ {head}\n{await first_due_line(svc, user)}")
        return
    await reply(update, await schedule_overview(svc, user))


def parse_schedule_rule(args: str) -> tuple[str, Rule]:
    """parse_schedule_command, with every example naming a habit so it is a whole command."""
    try:
        return parse_schedule_command(args)
    except ParseError as error:
        if error.example.split()[0] in HABITS:
            raise
        try:
            habit = parse_habit(args.split()[0])
        except ParseError:
            habit = "move"
        raise ParseError(error.message, f"{habit} {error.example}") from None


async def schedule_overview(svc: Services, user: User) -> str:
    rows = await svc.store.run(svc.store.schedules, user.id)
    now = svc.clock.now()
    lines = [_("<b>Your schedule</b> ({zone})").format(zone=html.escape(user.timezone)), ""]
    for habit in HABITS:
        row = rows.get(habit)
        if row is None:
            continue
        rule = describe_rule(parse_rule(row.rule_text))
        line = f"{habit_label(habit)}: {html.escape(rule)}"
        if row.next_due is not None:
            line += " — " + _("next {when}").format(when=format_when(row.next_due, user.zone, now))
        lines.append(line)
    lines.append("")
    quiet = format_quiet(user.quiet)
    lines.append(
        _("Quiet hours: {quiet}").format(quiet=quiet) if quiet else _("Quiet hours: none")
    )
    if not user.active:
        lines.append(_("Nudges are stopped. Send /start to turn them back on."))
    elif user.paused_until is not None and user.paused_until > now:
        lines.append(
            _("Paused until {when}. /resume to restart now.").format(
                when=format_when(user.paused_until, user.zone, now)
            )
        )
    lines.append("")
    lines.append(_("Change one:") + " <code>/schedule move every 45m from 09:00 to 17:30</code>")
    return "\n".join(lines)


@command
async def timezone_command(update: Update, context: Context) -> None:
    """Set the user's time zone; without an argument, show it and offer buttons."""
    user = await require_user(update, context)
    if user is None:
        return
    args = argument_text(update)
    if not args:
        text = _(
            "Your time zone is <b>{zone}</b>. Pick one below or type it, for example "
            "<code>/timezone Europe/Berlin</code> or <code>/timezone UTC+05:30</code>."
        ).format(zone=html.escape(user.timezone))
        await reply(update, text, zone_keyboard())
        return
    await reply(update, await set_timezone(services(context), user, parse_timezone(args)))


async def set_timezone(svc: Services, user: User, zone: str) -> str:
    await svc.store.run(svc.store.set_timezone, user.id, zone, svc.clock.now())
    updated = await rescheduled(svc, user.id)
    local = svc.clock.now().astimezone(zone_from_name(zone))
    return "\n".join(
        [
            _(
                "✅ Time zone set to <b>{zone}</b> (your time now: {time}). "
                "Your nudges keep their local times."
            ).format(zone=html.escape(zone), time=f"{local:%H:%M}"),
            await first_due_line(svc, updated),
        ]
    )


@command
async def preset_command(update: Update, context: Context) -> None:
    """List presets, or apply the one named."""
    svc = services(context)
    user = await require_user(update, context)
    if user is None:
        return
    name = argument_text(update).lower()
    if not name:
        await reply(update, preset_list(svc, user), preset_keyboard(svc.presets))
        return
    preset = svc.presets.get(name)
    if preset is None:
        raise ParseError(
            _("There is no preset called “{name}”. Presets: {names}.").format(
                name=name, names=", ".join(sorted(svc.presets))
            ),
            f"/preset {svc.config.default_preset}",
        )
    await reply(update, await apply_preset(svc, user, preset))


def preset_list(svc: Services, user: User) -> str:
    lines = [_("<b>Schedule presets</b>")]
    for name in sorted(svc.presets):
        marker = " ✅" if name == user.preset else ""
        lines.append(
            f"\n<b>{html.escape(name)}</b>{marker}: "
            f"{html.escape(_(svc.presets[name].description))}"
        )
    lines.append("\n" + _("Apply one with a button or <code>/preset gentle</code>."))
    return "\n".join(lines)


async def apply_preset(svc: Services, user: User, preset: Preset) -> str:
    await svc.store.run(svc.store.apply_preset, user.id, preset, svc.clock.now())
    updated = await rescheduled(svc, user.id)
    return (
        _("✅ Preset <b>{name}</b> applied.").format(name=html.escape(preset.name))
        + "\n\n"
        + (await schedule_overview(svc, updated))
    )


@command
async def quiet_command(update: Update, context: Context) -> None:
    """Set or clear quiet hours."""
    svc = services(context)
    user = await require_user(update, context)
    if user is None:
        return
    args = argument_text(update)
    if not args:
        current = format_quiet(user.quiet)
        text = (
            _("Quiet hours: {quiet}.").format(quiet=current)
            if current
            else _("You have no quiet hours.")
        )
        text += "\n" + _(
            "Set them with <code>/quiet 22:00-07:00</code>, or turn them off with "
            "<code>/quiet off</code>."
        )
        await reply(update, text)
        return
    quiet = parse_quiet(args)
    await svc.store.run(svc.store.set_quiet, user.id, quiet, svc.clock.now())
    svc.dispatcher.kick()
    head = (
        _("✅ Quiet hours set: {quiet}. Nothing is sent in them.").format(
            quiet=format_quiet(quiet)
        )
        if quiet
        else _("✅ Quiet hours turned off.")
    )
    await reply(update, head + "\n" + await first_due_line(svc, user))


@command
async def pause_command(update: Update, context: Context) -> None:
    """Pause nudges for a duration, until a time, or until tomorrow's first nudge."""
    svc = services(context)
    user = await require_user(update, context)
    if user is None:
        return
    now = svc.clock.now()
    rows = await svc.store.run(svc.store.schedules, user.id)
    rules = {habit: parse_rule(row.rule_text) for habit, row in rows.items()}
    default_until = next_window_start(rules, user.zone, now, user.quiet) or now + timedelta(days=1)
    until = parse_pause(
        argument_text(update), zone=user.zone, now=now, default_until=default_until
    )
    await svc.store.run(svc.store.set_pause, user.id, until, now)
    updated = await rescheduled(svc, user.id)
    text = _("⏸ Paused until {when}. Send /resume to restart sooner.").format(
        when=format_when(until, user.zone, now)
    )
    await reply(update, text + "\n" + await first_due_line(svc, updated))


@command
async def resume_command(update: Update, context: Context) -> None:
    """End a pause (and undo /stop)."""
    svc = services(context)
    user = await require_user(update, context)
    if user is None:
        return
    now = svc.clock.now()
    if not user.active:
        await reply(update, _("Nudges are stopped. Send /start to turn them back on."))
        return
    await svc.store.run(svc.store.set_pause, user.id, None, now)
    updated = await rescheduled(svc, user.id)
    await reply(update, _("▶️ Nudges are back on.") + "\n" + await first_due_line(svc, updated))


@command
async def stop_command(update: Update, context: Context) -> None:
    """Stop every nudge; settings stay until /forget."""
    svc = services(context)
    user = await require_user(update, context)
    if user is None:
        return
    await svc.store.run(svc.store.deactivate, user.id, "stopped", svc.clock.now())
    svc.dispatcher.kick()
    await reply(
        update,
        _(
            "⏹ Stopped. I won't send any more nudges. Your settings are kept: "
            "/start turns nudges back on, /forget deletes your data."
        ),
    )


@command
async def forget_command(update: Update, context: Context) -> None:
    """Ask to confirm deleting every row about the user."""
    user = await require_user(update, context)
    if user is None:
        return
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🗑 " + _("Yes, delete everything"), callback_data="forget:yes"
                ),
                InlineKeyboardButton(_("Cancel"), callback_data="forget:no"),
            ]
        ]
    )
    await reply(
        update, _("This deletes your settings, schedule and history for good. Sure?"), buttons
    )


@command
async def relief_command(update: Update, context: Context) -> None:
    """Send the quick relief routine for a back spasm."""
    svc = services(context)
    await reply(update, render_relief(svc.content, await user_emergency_number(update, context)))


@command
async def redflags_command(update: Update, context: Context) -> None:
    """Send the red-flag checklist, emergency tier first."""
    svc = services(context)
    await reply(update, render_redflags(svc.content, await user_emergency_number(update, context)))


async def user_emergency_number(update: Update, context: Context) -> str | None:
    svc = services(context)
    assert update.effective_user is not None
    user = await svc.store.run(svc.store.get_user, update.effective_user.id)
    return emergency_number(user.timezone if user else svc.config.timezone)


@command
async def unknown_command(update: Update, context: Context) -> None:
    """Answer a command we don't have."""
    word = (update.effective_message.text or "").split()[0] if update.effective_message else ""
    await reply(
        update,
        _("I don't know the command {command}. /help lists what I can do.").format(
            command=html.escape(word.split("@")[0])
        ),
    )


@command
async def plain_text(update: Update, context: Context) -> None:
    """Point free text at the commands."""
    await reply(
        update,
        _(
            "I only understand commands. /help lists them; /relief helps with a "
            "back spasm right now."
        ),
    )


async def group_chat(update: Update, context: Context) -> None:
    """Reminders are personal: point group members to a private chat."""
    with i18n.language(update.effective_user.language_code if update.effective_user else None):
        await reply(
            update, _("I work in private chats only: open a chat with me and send /start.")
        )


# ----- buttons -------------------------------------------------------------------------------


@command
async def button(update: Update, context: Context) -> None:
    """Route a button press by its callback data prefix."""
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    kind, _sep, value = data.partition(":")
    routes: dict[str, Callable[[Update, Context, str], Awaitable[None]]] = {
        "n": nudge_button,
        "tz": timezone_button,
        "preset": preset_button,
        "forget": forget_button,
        "menu": menu_button,
    }
    route = routes.get(kind)
    if route is None:
        await query.answer(_("This button is no longer valid."))
        return
    await route(update, context, value)


async def nudge_button(update: Update, context: Context, value: str) -> None:
    """Done / Snooze / Skip on a nudge: record it, acknowledge, update the message."""
    svc = services(context)
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    delivery_text, _sep, action = value.partition(":")
    actions = {"done": "done", "snooze": "snoozed", "skip": "skipped"}
    if not delivery_text.isdigit() or action not in actions:
        await query.answer(_("This button is no longer valid."))
        return
    delivery_id = int(delivery_text)
    existing = await svc.store.run(svc.store.get_delivery, delivery_id)
    chat = update.effective_chat
    if (
        existing is None
        or existing.user_id != update.effective_user.id
        or (chat is not None and existing.chat_id != chat.id)
    ):
        await query.answer(_("This reminder isn't yours."), show_alert=True)
        return
    now = svc.clock.now()
    delivery = await svc.store.run(
        svc.store.record_action,
        delivery_id,
        update.effective_user.id,
        actions[action],
        now,
        SNOOZE,
    )
    if delivery is None:
        await query.answer(_("This reminder is already closed."))
        return
    user = await svc.store.run(svc.store.get_user, delivery.user_id)
    zone = user.zone if user else zone_from_name("UTC")
    local = now.astimezone(zone)
    if action == "done":
        answer, status = _("Nice work! 💪"), _("✅ Done at {time}").format(time=f"{local:%H:%M}")
    elif action == "snooze":
        svc.dispatcher.kick()
        later = (now + SNOOZE).astimezone(zone)
        answer = _("I'll remind you again in 10 minutes.")
        status = _("⏰ Snoozed until {time}").format(time=f"{later:%H:%M}")
    else:
        answer, status = _("Skipped."), _("⏭ Skipped")
    await query.answer(answer)
    message = query.message
    original = message.text_html if message is not None and hasattr(message, "text_html") else ""
    await query.edit_message_text(
        f"{original}\n\n<i>{html.escape(status)}</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=None,
    )


async def timezone_button(update: Update, context: Context, value: str) -> None:
    """Set the time zone picked from the buttons."""
    query = update.callback_query
    assert query is not None
    user = await require_user(update, context)
    if user is None:
        await query.answer()
        return
    text = await set_timezone(services(context), user, parse_timezone(value))
    await query.answer(_("Time zone set."))
    await reply(update, text)


async def preset_button(update: Update, context: Context, value: str) -> None:
    """Apply the preset picked from the buttons."""
    svc = services(context)
    query = update.callback_query
    assert query is not None
    user = await require_user(update, context)
    preset = svc.presets.get(value)
    if user is None or preset is None:
        await query.answer(_("This button is no longer valid."))
        return
    await query.answer(_("Preset applied."))
    await reply(update, await apply_preset(svc, user, preset))


async def menu_button(update: Update, context: Context, value: str) -> None:
    """The /start buttons: show the time zone or preset choices."""
    svc = services(context)
    query = update.callback_query
    assert query is not None
    user = await require_user(update, context)
    await query.answer()
    if user is None:
        return
    if value == "timezone":
        await reply(
            update,
            _("Pick your time zone, or type it: <code>/timezone Asia/Tokyo</code>"),
            zone_keyboard(),
        )
    else:
        await reply(update, preset_list(svc, user), preset_keyboard(svc.presets))


async def forget_button(update: Update, context: Context, value: str) -> None:
    """Delete the user's rows after they confirmed, or cancel."""
    svc = services(context)
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    if value != "yes":
        await query.answer(_("Cancelled."))
        await query.edit_message_text(_("Cancelled: nothing was deleted."))
        return
    removed = await svc.store.run(svc.store.forget, update.effective_user.id)
    svc.dispatcher.kick()
    await query.answer(_("Deleted."))
    log.info("forgot user %d (%d rows)", update.effective_user.id, removed)
    await query.edit_message_text(
        _("🗑 Everything about you is deleted. Send /start if you want to begin again.")
    )


async def chat_member(update: Update, context: Context) -> None:
    """The user blocked the bot (Telegram says so at once): stop nudging them right away."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status in ("kicked", "left"):
        svc = services(context)
        user = await svc.store.run(svc.store.get_user, change.chat.id)
        if user is not None and user.active:
            await svc.store.run(svc.store.deactivate, user.id, "blocked", svc.clock.now())
            log.info("user %d blocked the bot; marked inactive", user.id)


async def on_error(update: object, context: Context) -> None:
    """Log the failure and tell the user something went wrong on our side."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update, _("Sorry, something went wrong on my side. Please try again."))
        except Exception:  # noqa: BLE001 - the error handler must never raise
            log.exception("could not tell the user about the error")


def bot_commands() -> list[BotCommand]:
    return [BotCommand(name, _(description)) for name, description in COMMANDS]


COMMAND_HANDLERS: dict[str, Handler] = {
    "start": start,
    "help": help_command,
    "schedule": schedule_command,
    "preset": preset_command,
    "timezone": timezone_command,
    "quiet": quiet_command,
    "pause": pause_command,
    "resume": resume_command,
    "stop": stop_command,
    "forget": forget_command,
    "relief": relief_command,
    "redflags": redflags_command,
}
