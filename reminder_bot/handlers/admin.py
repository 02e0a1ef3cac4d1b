"""``/admin``: the bot's figures for the ids in REMINDER_BOT_ADMINS: users, schedules, today's
nudges by status, failures, what waits to be sent, version and uptime. To anyone else the
command does not exist: they get the unknown-command answer, word for word.

The command is in no one's menu but the admins': each admin's chat gets a menu of its own
(setMyCommands with BotCommandScopeChat) the first time they write to the bot in a run.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta, tzinfo

from babel.dates import format_timedelta
from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from reminder_bot import __version__
from reminder_bot.clock import SystemClock
from reminder_bot.handlers.access import OncePer
from reminder_bot.handlers.common import Command, command, habit_label, reply
from reminder_bot.handlers.context import BotContext
from reminder_bot.handlers.fallbacks import unknown_command
from reminder_bot.handlers.language import publish_chat_menu
from reminder_bot.i18n import N_, _, babel_locale
from reminder_bot.parsing import zone_from_name
from reminder_bot.status import DeliveryStatus
from reminder_bot.store.stats import Stats
from reminder_bot.when_text import format_when

log = logging.getLogger(__name__)

# "Recent" failures: the last day's, whatever the admin's time zone.
FAILURES_WINDOW = timedelta(hours=24)


def today_range(now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """Today in ``zone`` as a UTC range [start, end): from local midnight to the next one. A
    DST change makes the day 23 or 25 hours long; where midnight itself is skipped, the day
    starts when the clocks jump."""
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _join(parts: list[str]) -> str:
    return " · ".join(parts)


def admin_text(
    stats: Stats,
    *,
    zone: tzinfo,
    now: datetime,
    pending: int,
    uptime: timedelta | None,
    version: str,
) -> str:
    """The /admin report as Telegram HTML, in the current language."""
    users = stats.users
    # TRANSLATORS: {zone} is a time zone name such as Europe/Berlin.
    since = _("(since midnight, {zone})").format(zone=html.escape(str(zone)))
    lines = [
        "<b>📊 " + _("Bot status") + "</b>",
        _join([_("version {version}").format(version=html.escape(version)), _uptime(uptime)]),
        "",
        "<b>" + _("Users: {count}").format(count=users.total) + "</b>",
        _join(
            [
                _("active {n}").format(n=users.active),
                _("paused {n}").format(n=users.paused),
                _("stopped {n}").format(n=users.stopped),
                _("blocked {n}").format(n=users.blocked),
            ]
        ),
        "",
        "<b>" + _("Schedules with a next nudge") + "</b>",
        _join([f"{habit_label(h)} {n}" for h, n in stats.schedules.items()]) or _("no nudges due"),
        "",
        "<b>" + _("Nudges today") + "</b> " + since,
        _join([f"{status.value} {n}" for status, n in _by_status(stats)]) or _("none yet"),
        "",
        "<b>" + _("Failed in the last 24 hours: {count}").format(count=stats.failed) + "</b>",
        *_last_error(stats, zone, now),
        _("Nudges waiting to be sent: {count}").format(count=pending),
    ]
    return "\n".join(lines)


def _by_status(stats: Stats) -> list[tuple[DeliveryStatus, int]]:
    """In the order the statuses are defined (a nudge's life), not the database's."""
    return [(status, stats.nudges[status]) for status in DeliveryStatus if status in stats.nudges]


def _uptime(uptime: timedelta | None) -> str:
    if uptime is None:
        return _("uptime unknown")
    duration = format_timedelta(max(uptime, timedelta(0)), locale=babel_locale())
    return _("up {duration}").format(duration=duration)


def _last_error(stats: Stats, zone: tzinfo, now: datetime) -> list[str]:
    last = stats.last_error
    if last is None:
        return []
    when = format_when(last.slot, zone, now)
    return [
        _("Last error ({when}, {status}):").format(when=when, status=last.status.value),
        f"<code>{html.escape(last.text, quote=False)}</code>",
    ]


async def admin_command(update: Update, context: BotContext) -> None:
    """The figures for an admin; the unknown-command answer for anyone else."""
    user = update.effective_user
    if user is None or user.id not in context.services.config.admins:
        await unknown_command(update, context)
        return
    await admin_report(update, context)


@command
async def admin_report(update: Update, context: BotContext) -> None:
    """Read the figures and show them, "today" in the admin's own time zone."""
    svc = context.services
    stored = context.stored_user
    zone = stored.zone if stored is not None else zone_from_name(svc.config.timezone)
    now = svc.clock.now()
    start, end = today_range(now, zone)
    stats = await svc.store.admin_stats(start, end, now - FAILURES_WINDOW, now)
    # ``started`` is wall-clock time (health.py), whatever clock the bot runs on.
    uptime = SystemClock().now() - stats.started if stats.started else None
    pending = svc.dispatcher.pending()  # claimed nudges in the sender or in flight
    text = admin_text(
        stats, zone=zone, now=now, pending=pending, uptime=uptime, version=__version__
    )
    await reply(update, text)


class AdminMenus:
    """An early handler group (it never stops an update): the first time an admin writes in a
    run, their chat gets a menu with /admin. Only then: Telegram knows a chat with them only
    once they have written, and a menu set for a chat stays until it is replaced."""

    def __init__(self, commands: Callable[[], list[BotCommand]]) -> None:
        self.commands = commands
        self.done = OncePer()

    async def check(self, update: object, context: BotContext) -> None:
        """Publish an admin's own menu once per run."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        chat = update.effective_chat
        if chat.type != ChatType.PRIVATE or chat.id not in context.services.config.admins:
            return
        if not self.done.first(chat.id):
            return
        try:
            await publish_chat_menu(context.bot, chat.id, self.commands)
        except TelegramError as error:
            self.done.forget(chat.id)  # try again at their next update
            log.warning("could not set the admin menu for chat %d: %s", chat.id, error)


# Admin-only rows of the command table: registered like the others, listed only to admins.
COMMANDS = (Command("admin", N_("The bot's figures (admins only)"), admin_command),)
