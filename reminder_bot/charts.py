"""The progress chart /stats and the weekly summary send: one small bar chart per habit, nudges
done against nudges sent per day, and the pain check-ins (0-10) as a line when there are any,
as a PNG sized for a phone (1080 px wide). Every word on it comes in already translated; this
module only draws.

matplotlib's Agg backend draws without a display, and a figure is made per chart (``Figure``
directly, never pyplot's global state), so charts drawn from several threads at once cannot
mix. ``render_off_loop`` draws on one thread of its own: drawing is CPU work under the GIL
(~150 ms a chart, ``scripts/render_sample_chart.py`` measures it), so a second thread would not
draw faster, and the queue in front of the one thread bounds how many charts are drawn at once
(a Sunday's weekly summaries wait their turn there while the event loop keeps answering
people; ``backlog`` says how many wait)."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from reminder_bot.progress import DayTally

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HabitPanel:
    """One habit's row of the chart: its name and share done (translated), and its days."""

    habit: str
    title: str  # e.g. "Move: 18 of 24 done (75%)"
    days: Sequence[DayTally]


@dataclass(frozen=True)
class PainPanel:
    """The pain check-ins under the habits: a 0-10 line over the same days, gaps unanswered."""

    title: str  # e.g. "Back pain (0-10)"
    scores: Mapping[date, int]


@dataclass(frozen=True)
class Chart:
    """What a chart shows: ``legend`` is the (sent, done) labels, ``day_label`` writes a date
    as the user's language does, ``pain`` adds a panel of its scores."""

    panels: Sequence[HabitPanel]
    heading: str
    day_label: Callable[[date], str]
    legend: tuple[str, str]
    pain: PainPanel | None = None


def render(
    panels: Sequence[HabitPanel],
    heading: str,
    day_label: Callable[[date], str],
    legend: tuple[str, str],
    pain: PainPanel | None = None,
) -> bytes:
    """The chart as PNG bytes (``chart_drawing.draw``). matplotlib is imported on the first
    chart, not at start-up: it is most of a second of every process start otherwise."""
    from reminder_bot import chart_drawing

    return chart_drawing.draw(Chart(panels, heading, day_label, legend, pain))


# One drawing thread for the whole process (see the module's docstring), and how many charts
# wait for it or are being drawn (read and written on the event loop's thread only).
_RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart-renderer")
_backlog = 0


def backlog() -> int:
    """Charts waiting for the drawing thread or being drawn."""
    return _backlog


async def render_off_loop(draw: Callable[[], bytes]) -> bytes:
    """``draw`` (a ``render`` with its arguments) run on the drawing thread, awaited: the event
    loop stays free meanwhile."""
    global _backlog
    _backlog += 1
    try:
        # In a copy of this context: labels drawn there are in the caller's language.
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_RENDERER, context.run, _timed, draw)
    finally:
        _backlog -= 1


def _timed(draw: Callable[[], bytes]) -> bytes:
    started = time.perf_counter()
    png = draw()
    log.debug(
        "chart drawn in %.0f ms, %d queued", 1000 * (time.perf_counter() - started), _backlog
    )
    return png
