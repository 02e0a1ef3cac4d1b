"""Render the /stats chart from a simulated month (the default preset's nudges, a seeded pattern
of presses, a few pain check-ins) at phone size, in English and Spanish, into docs/, and print
how long each chart took to draw.

    python scripts/render_sample_chart.py [--days 14|30] [--out docs]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from reminder_bot import i18n
from reminder_bot.progress import DayTally
from reminder_bot.stats_report import draw_chart, stats_text
from reminder_bot.store.progress_reads import UserProgress

TODAY = date(2026, 11, 29)  # a Sunday, as the weekly summary's
# Nudges a weekday brings on the default preset (desk-worker); stretch comes every day.
WEEKDAY = {"hydrate": 7, "move": 12, "posture": 4, "stretch": 1}
DONE_SHARE = {"hydrate": 0.7, "move": 0.5, "posture": 0.6, "stretch": 0.8}


def simulated_month(seed: int = 7, length: int = 60) -> UserProgress:
    rng = random.Random(seed)
    days: dict[str, list[DayTally]] = {habit: [] for habit in WEEKDAY}
    for back in range(length - 1, -1, -1):
        day = TODAY - timedelta(days=back)
        for habit, count in WEEKDAY.items():
            sent = count if day.weekday() < 5 or habit == "stretch" else 0
            done = sum(rng.random() < DONE_SHARE[habit] for _ in range(sent))
            days[habit].append(DayTally(day, sent, done))
    pain = {
        TODAY - timedelta(days=back): max(0, min(10, 5 - back // 4 + rng.randint(-1, 1)))
        for back in range(20)
        if rng.random() < 0.7
    }
    return UserProgress(TODAY, days, pain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--repeat", type=int, default=10, help="charts drawn for the timing")
    parser.add_argument("--text", action="store_true", help="print /stats' text too")
    args = parser.parse_args()
    progress = simulated_month()
    for language in ("en", "es"):
        with i18n.language(language):
            png = draw_chart(progress, args.days)  # the first chart loads fonts: not timed
            path = args.out / f"stats-chart-{language}.png"
            path.write_bytes(png)
            wall, cpu = [], []
            for _ in range(args.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                draw_chart(progress, args.days)
                wall.append(1000 * (time.perf_counter() - started))
                cpu.append(1000 * (time.process_time() - started_cpu))
            print(  # noqa: T201
                f"{path}: {len(png)} bytes; a chart takes {statistics.median(wall):.0f} ms "
                f"(median of {args.repeat}; fastest {min(wall):.0f} ms, CPU "
                f"{statistics.median(cpu):.0f} ms)"
            )
            if args.text:
                print(stats_text(progress))  # noqa: T201


if __name__ == "__main__":
    main()
