"""Group commit of the delivery log's marks (``sending``, ``sent``, a final status).

Every nudge writes two marks, and each used to be its own hop to the writer thread and its own
transaction. Here a mark joins a queue, and one flush on the writer thread writes everything
queued in one transaction:

- ``sending`` is urgent: it must be durable before the HTTP attempt, so its flush is submitted
  at once and the caller waits for the commit, exactly as before.
- A mark after the answer (``sent``, ``failed``...) is deferred: it rides with the next urgent
  flush (in a burst, the next nudge's ``sending``), or is flushed ``DEFER`` seconds later at the
  latest. Its caller still waits for the commit, so a nudge's task ends with its row final.
  A crash in between leaves the row ``sending``, so the nudge is resent at start-up, traced like
  any send in flight: those rows are the ones in flight at the last urgent flush, so the bound
  on what a crash can repeat (the sender's nudge slots) is unchanged.

Order with the store's other writes is kept: every other hop to the writer thread first writes
the marks queued before it (``then``), so a button press on the message just sent finds its row
``sent``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from reminder_bot.store.sql import Sql

log = logging.getLogger(__name__)

DEFER = 0.02  # seconds a mark after the answer may wait for company

Write = Callable[[Sql], Any]
_Entry = tuple[Write, "asyncio.Future[None]"]
P = ParamSpec("P")
T = TypeVar("T")


class HasMarks(Protocol):
    marks: MarkQueue


def batched(
    method: Callable[Concatenate[Sql, P], None], *, urgent: bool = False
) -> Callable[Concatenate[HasMarks, P], Coroutine[Any, Any, None]]:
    """``Sql.method`` as an async ``Store`` method that writes through the store's
    ``MarkQueue``: committed, possibly with other marks, when it returns."""

    async def write(store: HasMarks, *args: P.args, **kwargs: P.kwargs) -> None:
        await store.marks.write(lambda sql: method(sql, *args, **kwargs), urgent=urgent)

    write.__name__ = method.__name__
    write.__doc__ = method.__doc__
    return write


class MarkQueue:
    """Marks waiting for the writer thread, flushed together in one transaction."""

    def __init__(self, sql: Sql, executor: Callable[[], Executor]) -> None:
        self._sql = sql
        self._executor = executor  # the store's writer, read at each use (tests replace it)
        self._lock = threading.Lock()
        self._pending: list[_Entry] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._submitted = False  # a flush is in the writer's queue and has not started
        self._timer: asyncio.TimerHandle | None = None
        self.flushes = 0  # transactions written (for tests and the benchmarks)
        self.marks = 0

    async def write(self, mark: Write, *, urgent: bool) -> None:
        """Queue ``mark`` and wait until it is committed (raising what it raised)."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            self._pending.append((mark, future))
            submit = urgent and not self._submitted
            if submit:
                self._submitted = True
        if submit:
            self._executor().submit(self.flush)
        elif not urgent and self._timer is None:
            self._timer = loop.call_later(DEFER, self._on_timer)
        await future

    def _on_timer(self) -> None:
        self._timer = None
        with self._lock:
            submit = bool(self._pending) and not self._submitted
            if submit:
                self._submitted = True
        if submit:
            self._executor().submit(self.flush)

    def then(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """On the writer thread: write the queued marks, then run ``method``."""
        self.flush()
        return method(*args, **kwargs)

    def flush(self) -> None:
        """On the writer thread: write every queued mark, in one transaction if all succeed."""
        with self._lock:
            batch, self._pending = self._pending, []
            self._submitted = False
        if not batch:
            return
        if len(batch) == 1:
            errors = [self._one(batch[0][0])]
        else:
            try:
                with self._sql.db.atomic():
                    for mark, _ in batch:
                        mark(self._sql)
                errors = [None] * len(batch)
            except Exception:  # one bad mark must not fail the others: write each alone
                log.exception("a batch of %d marks failed; writing them one by one", len(batch))
                errors = [self._one(mark) for mark, _ in batch]
        self.flushes += 1
        self.marks += len(batch)
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(_resolve, [future for _, future in batch], errors)
        except RuntimeError:  # the loop closed while the store shut down: nobody waits
            pass

    def _one(self, mark: Write) -> BaseException | None:
        """One mark in its own (autocommit) statement."""
        try:
            mark(self._sql)
        except Exception as error:
            return error
        return None


def _resolve(futures: list[asyncio.Future[None]], errors: list[BaseException | None]) -> None:
    for future, error in zip(futures, errors, strict=True):
        if future.cancelled():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
