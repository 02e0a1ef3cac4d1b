"""Drawing the progress chart with matplotlib (its Agg backend, a ``Figure`` per chart and never
pyplot's global state): imported by ``charts.render`` on the first chart only."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402  (after the backend is chosen)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from reminder_bot.charts import Chart, HabitPanel, PainPanel  # noqa: E402

# Okabe and Ito's palette, told apart with every common kind of colour blindness; grey marks
# what was sent, the habit's colour what was done.
HABIT_COLOURS = {
    "hydrate": "#0072B2",
    "move": "#E69F00",
    "posture": "#009E73",
    "stretch": "#CC79A7",
}
SENT_COLOUR = "#D9D9D9"
PAIN_COLOUR = "#D55E00"  # Okabe-Ito vermilion: apart from every habit's colour
TEXT_COLOUR = "#222222"
WIDTH_PX = 1080
DPI = 150
# The layout in inches: the heading and legend above, the panels (each with its title in the
# gap above it), the day labels below.
HEADER_IN = 0.95
PANEL_IN = 1.9
PANEL_GAP_IN = 0.5
FOOTER_IN = 0.45
LEFT_IN = 0.55
MARGIN_IN = 0.15
RIGHT_IN = 0.4  # room for the last day's label, centred under today's bar
PNG_OPTIONS = {"compress_level": 1}
# Points at 150 dpi: a phone shows the 1080 px image about 360 dp wide, so 12 pt is ~8 dp.
FONT_HEADING = 19
FONT_TITLE = 16
FONT_LABEL = 13


def draw(chart: Chart) -> bytes:
    """``chart`` as PNG bytes: its habits' panels, then the pain panel if it has one; every
    seventh day is labelled (every second over two weeks or less), ending today."""
    panels, heading, day_label, legend, pain = (
        chart.panels,
        chart.heading,
        chart.day_label,
        chart.legend,
        chart.pain,
    )
    if not panels:
        raise ValueError("a chart needs at least one habit")
    rows = len(panels) + (pain is not None)
    figure, axes = _layout(rows)
    figure.text(
        MARGIN_IN / figure.get_figwidth(),
        1 - MARGIN_IN / figure.get_figheight(),
        heading,
        ha="left",
        va="top",
        fontsize=FONT_HEADING,
        fontweight="bold",
        color=TEXT_COLOUR,
    )
    for ax, panel in zip(axes, panels, strict=False):
        _draw_panel(ax, panel)
    if pain is not None:
        _draw_pain(axes[-1], pain, [t.day for t in panels[0].days])
    days = panels[0].days
    last = len(days) - 1
    step = 7 if len(days) > 14 else 2
    ticks = [i for i in range(len(days)) if (last - i) % step == 0]
    for ax in axes:
        ax.set_xlim(-0.6, last + 0.6)
        ax.set_xticks([])  # the days are labelled once, under the last panel
    axes[-1].set_xticks(ticks, [day_label(days[i].day) for i in ticks], fontsize=FONT_LABEL)
    figure.legend(
        [Patch(color=SENT_COLOUR), Patch(color=HABIT_COLOURS["hydrate"])],
        legend,
        loc="upper right",
        bbox_to_anchor=(1 - MARGIN_IN / figure.get_figwidth(), 1 - 0.08 / figure.get_figheight()),
        fontsize=FONT_LABEL,
        frameon=False,
        ncols=2,
    )
    out = io.BytesIO()
    # Light compression: a few kB more per chart, faster to write.
    figure.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs=PNG_OPTIONS)
    return out.getvalue()


def _layout(rows: int) -> tuple[Figure, Sequence[Axes]]:
    """The figure and its panels at fixed margins (inches): a layout engine measures every
    label in extra drawing passes and took half of a chart's time."""
    width, height = WIDTH_PX / DPI, HEADER_IN + PANEL_IN * rows + FOOTER_IN
    figure = Figure(figsize=(width, height), dpi=DPI)
    inner = height - HEADER_IN - FOOTER_IN
    panel = (inner - PANEL_GAP_IN * (rows - 1)) / rows
    axes = figure.subplots(
        rows,
        1,
        squeeze=False,
        gridspec_kw={
            "left": LEFT_IN / width,
            "right": 1 - RIGHT_IN / width,
            "top": 1 - HEADER_IN / height,
            "bottom": FOOTER_IN / height,
            "hspace": PANEL_GAP_IN / panel,
        },
    )[:, 0]
    return figure, list(axes)


def _draw_panel(ax: Axes, panel: HabitPanel) -> None:
    positions = range(len(panel.days))
    colour = HABIT_COLOURS.get(panel.habit, "#56B4E9")
    # Bars as thick vertical lines: one collection per series is drawn in one call, where
    # ``bar`` makes and draws a patch per day (a third of a chart's time).
    day_pt = 72 * (WIDTH_PX / DPI - LEFT_IN - RIGHT_IN) / (len(panel.days) + 0.2)
    sent = [t.sent for t in panel.days]
    ax.vlines(positions, 0, sent, colors=SENT_COLOUR, linewidth=0.8 * day_pt, capstyle="butt")
    done = [t.done for t in panel.days]
    ax.vlines(positions, 0, done, colors=colour, linewidth=0.55 * day_pt, capstyle="butt")
    top = max((t.sent for t in panel.days), default=0)
    ax.set_ylim(0, max(top, 1) * 1.15)
    _style(ax, panel.title)


def _draw_pain(ax: Axes, pain: PainPanel, days: Sequence[date]) -> None:
    points = [(i, pain.scores[day]) for i, day in enumerate(days) if day in pain.scores]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    ax.plot(xs, ys, color=PAIN_COLOUR, linewidth=2.2, marker="o", markersize=5)
    _style(ax, pain.title)
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks([0, 5, 10])


def _style(ax: Axes, title: str) -> None:
    # A fixed ``y``: matplotlib otherwise measures the tick labels to place every title.
    ax.set_title(title, loc="left", fontsize=FONT_TITLE, color=TEXT_COLOUR, y=1.03)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.tick_params(axis="y", labelsize=FONT_LABEL)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#EEEEEE", linewidth=0.8)
    ax.set_axisbelow(True)
