"""The events the sender and the dispatcher report (``Hooks``), and the bot's metrics for them.

Without REMINDER_BOT_METRICS_PORT the hooks are this module's no-op base class, so a bot that
nobody scrapes pays one empty method call per event and never imports prometheus-client; with the
port, ``open_metrics`` returns ``prometheus_metrics.Metrics``, served at ``/metrics``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reminder_bot.clock import Clock
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import Store


class Hooks:
    """The events the sender and the dispatcher report; this base class ignores them."""

    def request_done(self, method: str, seconds: float) -> None:
        """A Bot API call got its answer (or failed) after ``seconds``."""

    def retry_after(self, method: str) -> None:
        """Telegram answered 429 (RetryAfter)."""

    def api_error(self, method: str, error: Exception) -> None:
        """Telegram refused a call, or the network failed (not 429)."""

    def nudge_logged(self, status: DeliveryStatus, habit: str) -> None:
        """The dispatcher logged a slot's outcome."""

    def nudge_lateness(self, seconds: float) -> None:
        """Telegram accepted a nudge ``seconds`` after its slot."""

    def watch_queue(self, depth: Callable[[], int]) -> None:
        """``depth()`` says how many nudges are claimed and not yet logged."""

    async def start(self, application: Any, store: Store, clock: Clock) -> None:
        """Serve and begin refreshing (nothing to do here)."""

    def stop(self) -> None:
        """Stop refreshing (nothing to do here)."""

    async def close(self) -> None:
        """Stop serving (nothing to do here)."""


def open_metrics(port: int | None) -> Hooks:
    """Prometheus metrics served on ``port``; the hooks that do nothing when it is None."""
    if port is None:
        return Hooks()
    from reminder_bot.prometheus_metrics import Metrics

    return Metrics(port)
