"""The progress chart /stats and the weekly summary send: one small bar chart per habit, nudges
done against nudges sent per day, as a PNG sized for a phone (1080 px wide). Every word on it
comes in already translated; this module only draws.

matplotlib's Agg backend draws without a display, and a figure is made and closed per chart
(``Figure`` directly, never pyplot's global state), so charts drawn from several threads at
once cannot mix."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402  (after the backend is chosen)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from reminder_bot.progress import DayTally  # noqa: E402

# Okabe and Ito's palette, told apart with every common kind of colour blindness; grey marks
# what was sent, the habit's colour what was done.
HABIT_COLOURS = {
    "hydrate": "#0072B2",
    "move": "#E69F00",
    "posture": "#009E73",
    "stretch": "#CC79A7",
}
SENT_COLOUR = "#D9D9D9"
TEXT_COLOUR = "#222222"
WIDTH_PX = 1080
DPI = 150


@dataclass(frozen=True)
class HabitPanel:
    """One habit's row of the chart: its name and share done (translated), and its days."""

    habit: str
    title: str  # e.g. "Move: 18 of 24 done (75%)"
    days: Sequence[DayTally]


def render(
    panels: Sequence[HabitPanel],
    heading: str,
    day_label: Callable[[date], str],
    legend: tuple[str, str],
) -> bytes:
    """The chart as PNG bytes. ``legend`` is the (sent, done) labels; ``day_label`` writes a
    date as the user's language does; every seventh day is labelled (every second over two
    weeks or less), ending today."""
    if not panels:
        raise ValueError("a chart needs at least one habit")
    height_in = 1.2 + 1.9 * len(panels)
    figure = Figure(figsize=(WIDTH_PX / DPI, height_in), dpi=DPI, layout="constrained")
    figure.suptitle(heading, x=0.02, ha="left", fontsize=15, fontweight="bold", color=TEXT_COLOUR)
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        _draw_panel(ax, panel, legend)
    days = panels[0].days
    last = len(days) - 1
    step = 7 if len(days) > 14 else 2
    ticks = [i for i in range(len(days)) if (last - i) % step == 0]
    axes[-1].set_xticks(ticks, [day_label(days[i].day) for i in ticks], fontsize=11)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside upper right", fontsize=11, frameon=False, ncols=2)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _draw_panel(ax: Axes, panel: HabitPanel, legend: tuple[str, str]) -> None:
    positions = range(len(panel.days))
    colour = HABIT_COLOURS.get(panel.habit, "#56B4E9")
    ax.bar(positions, [t.sent for t in panel.days], color=SENT_COLOUR, width=0.8, label=legend[0])
    ax.bar(positions, [t.done for t in panel.days], color=colour, width=0.55, label=legend[1])
    ax.set_title(panel.title, loc="left", fontsize=13, color=TEXT_COLOUR)
    top = max((t.sent for t in panel.days), default=0)
    ax.set_ylim(0, max(top, 1) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.tick_params(axis="y", labelsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#EEEEEE", linewidth=0.8)
    ax.set_axisbelow(True)
