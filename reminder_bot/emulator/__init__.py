"""A local stand-in for Telegram's Bot API, served over real HTTP (aiohttp) on loopback.

The bot talks to it exactly as to ``api.telegram.org`` (``/bot<token>/<method>``); tests, the
benchmark and ``reminder-bot demo`` drive the simulated users through a JSON control interface
under ``/_emulator/`` (``control.py``, wrapped by ``client.py``). Behaviour follows the Bot API
documentation and the reference server (tdlib/telegram-bot-api): answer shapes, error texts,
update queue semantics, webhooks.

Deliberate differences from api.telegram.org, all documented so nobody relies on them:

* Webhook URLs may be plain ``http://`` on any port, as the reference server allows in
  ``--local`` mode; there is no certificate handling.
* The reference server's anti-spin tweaks of getUpdates (timeout raised to 3 s and limit cut to
  1 when the same offset is polled again within 3 s / 0.5 s) and the 1/s limit on setWebhook are
  not reproduced: they would only slow tests down.
* Integer parameters that do not parse are rejected with 400 (the reference server silently reads
  them as 0).
* Rate limits are token buckets (see ``Limits``); Telegram publishes the rates, not the burst.
  Only sending methods (``send*`` except ``sendChatAction``, ``copyMessage(s)``,
  ``forwardMessage(s)``) count.
* Methods that exist in the schema but have no behaviour here: if they return ``Boolean`` they are
  validated and answer ``true``; the rest answer 400 "Bad Request: method not supported by the
  emulator" (see ``server.UNSUPPORTED_NOTE``).

The pytest fixtures live in ``reminder_bot.emulator.testing`` (a plugin, not imported here).
"""

from __future__ import annotations

from .client import AsyncEmulatorClient, EmulatorClient, EmulatorError, User
from .errors import ApiError
from .html_parser import parse_html
from .limits import Limits
from .markdown_parser import parse_markdown, parse_markdown_v2
from .runner import (
    EmulatorThread,
    RunningEmulator,
    banner,
    build_arg_parser,
    main,
    serve,
    start_emulator,
)
from .server import Emulator

__all__ = [
    "ApiError",
    "AsyncEmulatorClient",
    "Emulator",
    "EmulatorClient",
    "EmulatorError",
    "EmulatorThread",
    "Limits",
    "RunningEmulator",
    "User",
    "banner",
    "build_arg_parser",
    "main",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "serve",
    "start_emulator",
]
