"""Long-poll support for the control API: wait for a condition without busy polling."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable


async def wait_until(changed: asyncio.Event, done: Callable[[], bool], wait: float) -> None:
    """Return once ``done()`` holds or ``wait`` seconds passed; ``changed`` is set on changes."""
    deadline = time.monotonic() + wait
    while not done():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        # No await between the check and clear(): a change cannot slip in between.
        changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), remaining)
