from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from matplotlib.image import imread

from reminder_bot.charts import WIDTH_PX, HabitPanel, render
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
