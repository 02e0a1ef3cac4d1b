"""The bot's own periodic work on PTB's JobQueue (heartbeat, metrics refresh, retention): one
way to start such a job and one way to remove it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError


def run_repeating(
    application: Any,
    callback: Callable[[Any], Coroutine[Any, Any, None]],
    *,
    every: float | timedelta,
    first: float | timedelta,
    name: str,
) -> Any:
    """A repeating job that never piles up: runs the event loop was too busy for coalesce
    into one, and a late run is never dropped as misfired. None without a JobQueue."""
    job_queue = application.job_queue
    if job_queue is None:
        return None
    return job_queue.run_repeating(
        callback,
        interval=every,
        first=first,
        name=name,
        job_kwargs={"coalesce": True, "misfire_grace_time": None},
    )


def remove(job: Any) -> None:
    """Remove a job, if any; gone already is fine (a one-shot that fired, or the JobQueue
    stopped first: PTB stops it before post_stop)."""
    if job is not None:
        with contextlib.suppress(JobLookupError):
            job.schedule_removal()
