"""Webhook mode: Telegram POSTs each update to ``REMINDER_BOT_WEBHOOK_URL`` (a TLS proxy in
front forwards it to ``REMINDER_BOT_WEBHOOK_LISTEN``) instead of the bot long-polling.

PTB's ``Updater.start_webhook`` runs the HTTP server and answers 403, without touching the
update queue, to a POST whose ``X-Telegram-Bot-Api-Secret-Token`` header is missing or wrong
(``telegram.ext._utils.webhookhandler.TelegramHandler._validate_post``).

The webhook is left set when the bot stops, on purpose: Telegram keeps the updates that arrive
while the bot is down (up to 24 hours) and delivers them once it is back, a crash and an orderly
stop leave Telegram in the same state, and a stopping bot can never delete the webhook a newly
started one (a redeploy) has just set. Nothing is dropped at start either. Going back to
polling needs no clean-up: PTB's ``start_polling`` calls deleteWebhook first.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from reminder_bot.config import Config, ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Webhook:
    url: str
    host: str
    port: int
    secret: str

    @property
    def path(self) -> str:
        """The path Telegram POSTs to; the proxy must pass it on unchanged."""
        return urlsplit(self.url).path or "/"


def webhook_of(config: Config) -> Webhook | None:
    """The webhook settings, or None to poll."""
    if config.webhook_url is None:
        return None
    # config.load refuses a URL without a secret; this only narrows the type.
    assert config.webhook_secret is not None
    host, port = config.webhook_listen
    return Webhook(config.webhook_url, host, port, config.webhook_secret)


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind and listen before setWebhook: Telegram may POST the updates it kept while the bot
    was down the moment the webhook is set, and a refused POST would hold them back until its
    retry. A port already in use fails here, before Telegram is told anything."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=128)
    except OSError as error:
        raise ConfigError(
            f"cannot listen on REMINDER_BOT_WEBHOOK_LISTEN={host}:{port} ({error.strerror}): "
            "choose a free port on an address of this machine, e.g. 0.0.0.0:8443",
            setting="REMINDER_BOT_WEBHOOK_LISTEN",
        ) from None
    sock.setblocking(False)  # Tornado accepts in a loop until the socket would block
    return sock


async def start_webhook(updater: Any, hook: Webhook, allowed_updates: Sequence[str]) -> None:
    """Serve the webhook and call setWebhook, keeping what Telegram has queued."""
    sock = listening_socket(hook.host, hook.port)
    try:
        # PTB serves on any listening socket passed as ``unix`` (its docs: "the socket
        # itself"); that is how it binds before it calls setWebhook.
        await updater.start_webhook(
            unix=sock,
            url_path=hook.path,
            webhook_url=hook.url,
            secret_token=hook.secret,
            allowed_updates=allowed_updates,
            drop_pending_updates=False,
        )
    except BaseException:
        sock.close()
        raise
    log.info(
        "receiving updates by webhook at %s, listening on %s:%d", hook.url, hook.host, hook.port
    )
