from __future__ import annotations

import asyncio
import functools
import io
import threading
from datetime import date, timedelta

import pytest
from matplotlib.image import imread

from reminder_bot import charts, i18n
from reminder_bot.chart_drawing import WIDTH_PX
from reminder_bot.charts import HabitPanel, PainPanel, render
from reminder_bot.progress import DayTally

TODAY = date(2026, 11, 29)


def panel(habit: str, length: int) -> HabitPanel:
    days = [DayTally(TODAY - timedelta(days=length - 1 - i), 4, i % 5) for i in range(length)]
    return HabitPanel(habit, f"{habit}: some done", days)


@pytest.mark.parametrize(("habits", "length"), [(["hydrate"], 14), (["move", "stretch"], 30)])
def test_a_png_phone_wide_and_taller_with_more_habits(habits: list[str], length: int) -> None:
    png = render([panel(h, length) for h in habits], "Last days", str, ("sent", "done"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    height, width, _ = imread(io.BytesIO(png)).shape
    assert width == WIDTH_PX
    assert height > 300 * len(habits)


def test_labels_come_from_the_caller() -> None:
    labels: list[date] = []

    def day_label(day: date) -> str:
        labels.append(day)
        return day.isoformat()

    render([panel("posture", 30)], "Últimos 30 días", day_label, ("enviados", "hechos"))
    # Every seventh day, ending with the last one shown.
    assert labels[-1] == TODAY
    assert [(TODAY - day).days for day in labels] == [28, 21, 14, 7, 0]


def test_no_habit_no_chart() -> None:
    with pytest.raises(ValueError, match="at least one habit"):
        render([], "Last days", str, ("sent", "done"))


def test_pain_scores_add_a_panel() -> None:
    without = render([panel("move", 14)], "Last days", str, ("sent", "done"))
    scores = {TODAY - timedelta(days=d): 10 - d for d in (0, 1, 4)}
    with_pain = render(
        [panel("move", 14)], "Last days", str, ("sent", "done"), PainPanel("Pain", scores)
    )
    taller = imread(io.BytesIO(with_pain)).shape[0] - imread(io.BytesIO(without)).shape[0]
    assert taller > 200


async def test_drawn_off_the_event_loop_on_its_own_thread() -> None:
    threads: list[str] = []
    backlogs: list[int] = []
    languages: list[str] = []

    def day_label(day: date) -> str:
        threads.append(threading.current_thread().name)
        languages.append(i18n.current_language())
        backlogs.append(charts.backlog())
        return day.isoformat()

    loop_ticks = 0

    async def ticker() -> None:
        nonlocal loop_ticks
        while True:
            loop_ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.create_task(ticker())
    draw = functools.partial(render, [panel("move", 30)], "h", day_label, ("s", "d"))
    with i18n.language("es"):
        png = await charts.render_off_loop(draw)
    ticking.cancel()
    assert png.startswith(b"\x89PNG")
    assert set(threads) == {"chart-renderer_0"}
    assert set(languages) == {"es"}  # the caller's language, for the day labels
    assert set(backlogs) == {1} and charts.backlog() == 0  # counted while drawn, then not
    assert loop_ticks > 1  # the loop ran other work while the chart was drawn
