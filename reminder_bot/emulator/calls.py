"""The log of every Bot API call the bot made, for tests and benchmarks to read."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from .schema import INT_RE
from .waiting import wait_until


@dataclass(frozen=True)
class CallQuery:
    """Calls after sequence number ``since``, optionally only of one method and one chat."""

    since: int = 0
    method: str | None = None  # any case
    chat_id: int | str | None = None

    def matches(self, call: dict[str, Any]) -> bool:
        """Whether a call is of the method and chat asked for."""
        if self.method and call["method"].lower() != self.method.lower():
            return False
        return self.chat_id is None or str(call["chat_id"]) == str(self.chat_id)


class CallLog:
    """Calls in order, numbered by ``seq``; at most ``capacity`` are kept."""

    def __init__(self, capacity: int) -> None:
        self.calls: deque[dict[str, Any]] = deque(maxlen=capacity)
        self.seq = 0
        self.counts: Counter[str] = Counter()  # "method status" -> calls, never trimmed
        self.changed = asyncio.Event()

    def clear(self) -> None:
        """Forget every call; numbering starts again at 1."""
        self.calls.clear()
        self.seq = 0
        self.counts.clear()
        self.changed.set()

    def record(
        self,
        method: str,
        params: dict[str, Any],
        answer: tuple[int, dict[str, Any] | None],
        files: list[dict[str, Any]],
        started: float,
    ) -> None:
        """Log one call with its answer (status 0: the connection was dropped)."""
        status, body = answer
        self.seq += 1
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and INT_RE.match(chat_id):
            chat_id = int(chat_id)
        self.calls.append(
            {
                "seq": self.seq,
                "monotonic": started,
                "time": time.time(),
                "duration": time.monotonic() - started,
                "method": method,
                "chat_id": chat_id,
                "params": params,
                "status": status,
                "response": body,
                "files": files,
            }
        )
        self.counts[f"{method} {status}"] += 1
        self.changed.set()

    def since(self, query: CallQuery) -> list[dict[str, Any]]:
        """The calls a query selects, oldest first."""
        found = []
        for call in reversed(self.calls):
            if call["seq"] <= query.since:
                break
            if query.matches(call):
                found.append(call)
        found.reverse()
        return found

    async def wait(self, query: CallQuery, count: int, seconds: float) -> list[dict[str, Any]]:
        """Like ``since``, but wait up to ``seconds`` for ``count`` calls to match."""
        await wait_until(self.changed, lambda: len(self.since(query)) >= count, seconds)
        return self.since(query)

    def per_method(self) -> dict[str, dict[str, int]]:
        """Call counts by method, then by HTTP status."""
        out: dict[str, dict[str, int]] = {}
        for key, n in self.counts.items():
            method, status = key.rsplit(" ", 1)
            out.setdefault(method, {})[status] = n
        return out

    def recent(self, seconds: float) -> int:
        """How many calls started in the last ``seconds``."""
        cutoff = time.monotonic() - seconds
        n = 0
        for call in reversed(self.calls):
            if call["monotonic"] < cutoff:
                break
            n += 1
        return n
