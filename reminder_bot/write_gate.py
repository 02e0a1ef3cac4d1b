"""The sender's start window, carried down to the socket.

The sender allows at most the cap's calls in any window of its clock. Checked before a call
enters PTB, that still let calls bunch on the wire: between the check and the socket a request
crosses PTB and httpcore, which yield to the event loop, and the loop stalls for tens of
milliseconds while the writer thread holds the GIL. The calls that passed the window during a
stall then reached the wire together (34 in one second at 30/s, docs/performance.md).

So the sender hands its window check to the call's task (``gated``), and the request stack
passes it (``pass_gate``) right before the call's first bytes are written: in
``asyncio_network.AsyncioStream.write``, or before httpx takes an upload. A context variable
carries it because it belongs to one call and PTB's request API has no place for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar

Gate = Callable[[], Awaitable[None]]

_gate: ContextVar[Gate | None] = ContextVar("reminder_bot_write_gate", default=None)


@contextlib.contextmanager
def gated(gate: Gate | None) -> Iterator[None]:
    """Within this block, the current task's next ``pass_gate`` awaits ``gate`` (once); with
    None, passes at once (a nested call must not pass an outer call's gate)."""
    token = _gate.set(gate)
    try:
        yield
    finally:
        _gate.reset(token)


async def pass_gate() -> None:
    """Await the current call's gate if it has one not yet passed; otherwise return at once."""
    gate = _gate.get()
    if gate is not None:
        _gate.set(None)  # the call's later writes (its body) go straight out
        await gate()
