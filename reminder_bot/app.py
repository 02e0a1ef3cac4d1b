"""All wiring in one place: data files are validated before anything starts, resources open in
``post_init`` and close in ``post_shutdown``."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import ssl
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from reminder_bot.backup import BackupError, database_lock
from reminder_bot.bot_request import BotRequest
from reminder_bot.checkin import make_checkin_composer
from reminder_bot.clock import Clock, ManualClock, ScaledClock, SystemClock
from reminder_bot.commands import ADMIN_COMMANDS, COMMANDS, admin_bot_commands, bot_commands
from reminder_bot.config import Config, ConfigError
from reminder_bot.content import Content, load_content
from reminder_bot.dispatcher import Dispatcher
from reminder_bot.handlers.access import AccessGate
from reminder_bot.handlers.account import chat_member
from reminder_bot.handlers.admin import AdminMenus
from reminder_bot.handlers.buttons import button
from reminder_bot.handlers.context import CONTEXT_TYPES, BotApplication, Services
from reminder_bot.handlers.fallbacks import (
    GroupChats,
    on_error,
    other_message,
    plain_text,
    unknown_command,
)
from reminder_bot.handlers.language import publish_profile
from reminder_bot.handlers.limits import RateGate
from reminder_bot.handlers.location import location_message
from reminder_bot.health import Heartbeat, PollRequest, UpdateArrivals
from reminder_bot.housekeeping import Housekeeping
from reminder_bot.in_flight import connection_limits
from reminder_bot.metrics import open_metrics
from reminder_bot.presets import Preset, builtin_presets_dir, load_presets
from reminder_bot.schedule import CHECKIN, SUMMARY
from reminder_bot.sender import Sender
from reminder_bot.store import Store
from reminder_bot.summary import make_summary_composer
from reminder_bot.updates import ChatOrderedProcessor
from reminder_bot.webhook import start_webhook, webhook_of

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]


@dataclass(frozen=True)
class DataFiles:
    content: Content
    presets: dict[str, Preset]


def load_data_files(config: Config) -> DataFiles:
    """Load and validate content and presets; a bad file raises ConfigError naming it."""
    content = load_content()
    dirs = [builtin_presets_dir()]
    if config.presets_dir is not None:
        dirs.append(config.presets_dir)
    presets = load_presets(*dirs)
    if config.default_preset not in presets:
        raise ConfigError(
            f"REMINDER_BOT_DEFAULT_PRESET={config.default_preset!r} names no preset; "
            f"choose one of {', '.join(sorted(presets))}"
        )
    return DataFiles(content, presets)


def make_clock(config: Config) -> Clock:
    if config.clock_speed != 1:
        return ScaledClock(config.clock_speed)
    return SystemClock()


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for all the bot's connections (httpx's own: certifi's CA bundle), read
    once: each httpx client would read the bundle again otherwise, ~50 ms apiece."""
    return httpx.create_ssl_context()


def build_application(
    config: Config,
    *,
    clock: Clock | None = None,
    data: DataFiles | None = None,
) -> BotApplication:
    """Build the bot; nothing touches the network or the database until it is started."""
    files = data or load_data_files(config)
    bot_clock = clock or make_clock(config)
    # BotRequest passes the sender's start window at the socket (write_gate.py).
    sender = Sender(
        global_rate=config.global_rate,
        chat_rate=config.chat_rate,
        clock=bot_clock,
        window_at_socket=True,
    )
    # A stop right after polling began can leave the cancelled first getUpdates holding PTB's
    # single polling connection for a moment; a second one lets the final getUpdates, which
    # confirms the last offset, go out instead of failing with a pool timeout (seen in about
    # one stop in a hundred timed to land there).
    polling = PollRequest(connection_pool_size=2, httpx_kwargs={"verify": tls_context()})
    requests = BotRequest(
        timeout=config.http_timeout, ssl_context=tls_context(), limits=connection_limits()
    )

    async def post_init(application: BotApplication) -> None:
        services = open_services(application, config, files, bot_clock, polling)
        await start_services(application, services)

    application = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .rate_limiter(sender)
        .request(requests)
        .get_updates_request(polling)
        .update_queue(UpdateArrivals())  # notes the last update received, for health
        # Chats are handled concurrently so one slow reply never holds up every user; each
        # chat's own updates in the order they were sent.
        .concurrent_updates(ChatOrderedProcessor())
        .post_init(post_init)
        .post_stop(stop_services)
        .post_shutdown(close_services)
        .build()
    )
    add_handlers(application)
    return application


def open_services(
    application: BotApplication,
    config: Config,
    data: DataFiles,
    clock: Clock,
    polling: PollRequest,
) -> Services:
    """Open the database and set up the dispatcher: what the handlers need, in one place."""
    nudge_ids = {habit: [n.id for n in nudges] for habit, nudges in data.content.nudges.items()}
    work = {name: preset.work for name, preset in data.presets.items()}
    adaptive = frozenset(name for name, preset in data.presets.items() if preset.adaptive_move)
    store = Store(config.database, nudge_ids, preset_work=work, adaptive_presets=adaptive)
    metrics = open_metrics(config.metrics_port)
    if isinstance(application.bot.rate_limiter, Sender):
        application.bot.rate_limiter.metrics = metrics
    dispatcher = Dispatcher(
        application,
        store,
        data.content,
        clock,
        catch_up=timedelta(minutes=config.catch_up_minutes),
        stale=timedelta(minutes=config.stale_minutes),
        # Twenty seconds of sending queued ahead keep the sender busy between claims.
        max_in_flight=max(200, int(config.global_rate * 20)),
        metrics=metrics,
        composers={CHECKIN: make_checkin_composer(), SUMMARY: make_summary_composer(store)},
    )
    return Services(
        config=config,
        store=store,
        content=data.content,
        presets=data.presets,
        clock=clock,
        dispatcher=dispatcher,
        heartbeat=Heartbeat(application, store, polling, webhook_url=config.webhook_url),
        housekeeping=Housekeeping(
            application, store, clock, timedelta(days=config.retention_days)
        ),
        metrics=metrics,
    )


async def start_services(application: BotApplication, services: Services) -> None:
    """post_init: hand the services to the handlers, publish the menu, start dispatching."""
    application.bot_data.services = services
    # First, so a metrics port in use stops the start-up before anything is sent.
    await services.metrics.start(application, services.store, services.clock)
    await publish_profile(application.bot, bot_commands)  # menu and descriptions, per language
    if isinstance(services.clock, ManualClock):
        services.clock.subscribe(services.dispatcher.kick)
    await services.dispatcher.start()
    await services.heartbeat.start()
    services.housekeeping.start()
    users = await services.store.user_count()
    log.info("reminder-bot is running as @%s with %d users", application.bot.bot.username, users)


async def stop_services(application: BotApplication) -> None:
    """post_stop: no new sends once polling has stopped."""
    services = application.bot_data.services
    if services is not None:
        services.heartbeat.stop()
        await services.housekeeping.stop()
        services.metrics.stop()
        await services.dispatcher.stop()


async def close_services(application: BotApplication) -> None:
    """post_shutdown: close the database last, after PTB's own shutdown."""
    services, application.bot_data.services = application.bot_data.services, None
    if services is not None:
        await services.metrics.close()
        services.store.close()
        log.info("database closed")


def add_handlers(application: BotApplication) -> None:
    # Before every other handler, in this order: strangers are refused (access), a user past
    # REMINDER_BOT_USER_RATE is told once to slow down (limits), an admin's chat gets its
    # menu, group chats get their one notice (fallbacks). All but the menu end the updates
    # they take (ApplicationHandlerStop): nothing after them stores anything.
    application.add_handler(TypeHandler(Update, AccessGate().check), group=-4)
    application.add_handler(TypeHandler(Update, RateGate().check), group=-3)
    application.add_handler(TypeHandler(Update, AdminMenus(admin_bot_commands).check), group=-2)
    application.add_handler(TypeHandler(Update, GroupChats().check), group=-1)
    private = filters.ChatType.PRIVATE
    for command in (*COMMANDS, *ADMIN_COMMANDS):
        application.add_handler(CommandHandler(command.name, command.handler, filters=private))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(ChatMemberHandler(chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    # A new location only: live locations come again as edits.
    shared = filters.UpdateType.MESSAGE & private & filters.LOCATION
    application.add_handler(MessageHandler(shared, location_message))
    application.add_handler(MessageHandler(private & filters.TEXT, plain_text))
    # Anything else a person can send (photo, sticker, voice, file, contact, dice...); service
    # messages (pinned, title changed) are not theirs to answer.
    other = filters.UpdateType.MESSAGE & private & ~filters.TEXT & ~filters.StatusUpdate.ALL
    application.add_handler(MessageHandler(other, other_message))
    application.add_error_handler(on_error)


class StartupError(Exception):
    """The Bot API server refused the bot or could not be reached at start-up."""


def run(config: Config) -> None:
    """Receive updates (polling or webhook) until SIGINT or SIGTERM, then shut down cleanly.
    The bot holds the database's lock file for its whole run: a second bot, or a restore, on
    the same file is refused."""
    application = build_application(config)
    try:
        with database_lock(config.database):
            asyncio.run(serve(application))
    except BackupError as error:
        raise StartupError(str(error)) from None
    except InvalidToken:
        raise StartupError(
            f"the Bot API server at TELEGRAM_API_URL={config.api_url} rejected the token: "
            "check TELEGRAM_BOT_TOKEN (or the file TELEGRAM_BOT_TOKEN_FILE names) with @BotFather"
        ) from None
    except NetworkError as error:
        raise StartupError(
            f"cannot reach the Bot API server at TELEGRAM_API_URL={config.api_url} ({error}); "
            "check the URL and this machine's network"
        ) from None


async def serve(application: BotApplication) -> None:
    """Start the bot, run until SIGINT or SIGTERM, then stop it in order.

    Not PTB's ``run_polling``: its signal handler raises SystemExit inside whichever start-up
    step is running, which can leave that step's loop callback behind to stop the loop in the
    middle of shutdown (exit 1, "Event loop stopped before Future completed"). Here a signal
    only sets an event; a start-up still under way is cancelled at an await and then the same
    orderly stop runs.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    starting = asyncio.create_task(start_in_loop(application), name="start-up")
    stopping = asyncio.create_task(stop.wait(), name="stop-signal")
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if starting.done():
            starting.result()  # a start-up failure (token, network) ends the run here
            log.info("running; SIGTERM or SIGINT stops")
            await stopping
        else:
            log.info("stop requested during start-up")
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
    finally:
        stopping.cancel()
        await stop_in_loop(application)


async def start_in_loop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Start the bot inside an already running event loop (demo, tests), as run_polling does."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await receive_updates(application)
    await application.start()


async def receive_updates(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Long polling, or a webhook when REMINDER_BOT_WEBHOOK_URL is set (``webhook.py``)."""
    assert application.updater is not None
    services = getattr(application.bot_data, "services", None)
    hook = webhook_of(services.config) if services is not None else None
    if hook is None:
        # PTB calls deleteWebhook first, so a bot that ran by webhook polls again.
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
    else:
        await start_webhook(application.updater, hook, ALLOWED_UPDATES)


async def stop_in_loop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop what start_in_loop started, in run_polling's order."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
