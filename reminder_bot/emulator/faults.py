"""Fault injection: scripted 429/500/502 answers, slow answers and dropped connections.

Rules are tried in the order they were added; the first that matches a call decides its fate.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError, too_many

FAULT_KINDS = frozenset({"429", "500", "502", "slow", "drop"})

_ERRORS: dict[str, Callable[[FaultRule], ApiError]] = {
    "429": lambda rule: too_many(rule.retry_after),
    "500": lambda rule: ApiError(500, "Internal Server Error"),
    "502": lambda rule: ApiError(502, "Bad Gateway"),
}

# (HTTP status, JSON body); status 0 and no body mean the connection closes without an answer.
Answer = tuple[int, dict[str, Any] | None]
NO_ANSWER: Answer = (0, None)


@dataclass
class FaultRule:
    """One scripted failure, matched by method and chat."""

    kind: str  # "429" | "500" | "502" | "slow" | "drop"
    method: str | None = None  # lower-case method name, None = every method
    chat_id: str | None = None
    count: int | None = None  # times left; None = unlimited
    probability: float = 1.0
    retry_after: int = 5
    delay: float = 10.0
    applied: bool = False  # for slow/drop: does the action take effect anyway?
    id: int = 0
    hits: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The rule as the control API shows it."""
        return asdict(self)


def truthy(value: Any) -> bool:
    """A flag from JSON or a query string ("1", "true", "yes")."""
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


class FaultBook:
    """The active fault rules."""

    def __init__(self, rng: random.Random) -> None:
        self.rules: list[FaultRule] = []
        self._random = rng
        self._ids = itertools.count(1)

    def add(
        self,
        kind: str,
        method: str | None = None,
        chat_id: int | str | None = None,
        count: int | None = None,
        probability: float = 1.0,
        retry_after: int = 5,
        delay: float = 10.0,
        applied: bool = False,
    ) -> FaultRule:
        """Add a rule; values may come as strings from the control API."""
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {sorted(FAULT_KINDS)}")
        rule = FaultRule(
            kind=kind,
            method=method.lower() if method else None,
            chat_id=str(chat_id) if chat_id is not None else None,
            count=int(count) if count is not None else None,
            probability=float(probability),
            retry_after=int(retry_after),
            delay=float(delay),
            applied=truthy(applied),
            id=next(self._ids),
        )
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        self.rules.clear()

    def match(self, method: str, params: dict[str, Any]) -> FaultRule | None:
        """The rule that takes this call (lower-case method name), counting it as used."""
        for rule in self.rules:
            if rule.count is not None and rule.count <= 0:
                continue
            if rule.method is not None and rule.method != method:
                continue
            if rule.chat_id is not None and str(params.get("chat_id")) != rule.chat_id:
                continue
            if rule.probability < 1.0 and self._random.random() >= rule.probability:
                continue
            if rule.count is not None:
                rule.count -= 1
            rule.hits += 1
            return rule
        return None


async def apply_fault(rule: FaultRule, execute: Callable[[], Awaitable[Answer]]) -> Answer:
    """The answer a call gets under ``rule``; ``execute`` runs the method for real."""
    make_error = _ERRORS.get(rule.kind)
    if make_error is not None:
        err = make_error(rule)
        return err.code, err.body()
    answer = await execute() if rule.applied else NO_ANSWER
    if rule.kind == "slow":
        await asyncio.sleep(rule.delay)
        # Unless applied, it is too late: never answered, as when a request dies inside Telegram.
        return answer
    # drop: the connection closes without an answer, after applying if requested.
    return NO_ANSWER


class Dropped(Exception):
    """Raised to close the client connection without an answer."""


@web.middleware
async def drop_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Turn ``Dropped`` into an aborted connection."""
    try:
        return await handler(request)
    except Dropped:
        if request.transport is not None:
            request.transport.abort()
        # aiohttp needs a response object; nothing reaches the client once aborted.
        raise asyncio.CancelledError from None
