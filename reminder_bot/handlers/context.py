"""What every handler is given: the bot's services, typed through PTB's ContextTypes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from reminder_bot.clock import Clock
from reminder_bot.config import Config
from reminder_bot.content import Content
from reminder_bot.dispatcher import Dispatcher
from reminder_bot.health import Heartbeat
from reminder_bot.housekeeping import Housekeeping
from reminder_bot.metrics import Hooks
from reminder_bot.presets import Preset
from reminder_bot.store import Store, User


@dataclass
class Services:
    """Everything handlers need, created in post_init and kept in ``bot_data.services``."""

    config: Config
    store: Store
    content: Content
    presets: dict[str, Preset]
    clock: Clock
    dispatcher: Dispatcher
    heartbeat: Heartbeat
    housekeeping: Housekeeping
    # Metrics when REMINDER_BOT_METRICS_PORT is set, else the hooks that do nothing.
    metrics: Hooks = field(default_factory=Hooks)


class BotData:
    """``application.bot_data``: the services exist from post_init until post_shutdown."""

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """PTB's per-update context, with the services and the user's stored row."""

    def __init__(
        self,
        application: BotApplication,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        # Read once per update by the `command` decorator, so no handler reads it again.
        self.stored_user: User | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("the bot's services exist only between post_init and shutdown")
        return services


# PTB's builder does not carry the context type over to its JobQueue, hence Any there.
BotApplication: TypeAlias = Application[
    ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any
]

CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
