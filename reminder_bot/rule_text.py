"""Values to the canonical text the bot stores: rules, days, times and quiet hours.

Each text reads back through ``reminder_bot.parsing`` to an equal value (``parse_rule``,
``parse_days``, ``parse_time``, ``parse_quiet``), so the database and the preset files hold one
spelling per value. The text is English syntax, never translated; what people read comes from
``reminder_bot.describe``.
"""

from __future__ import annotations

from datetime import time

from reminder_bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, At, Off, QuietHours, Rule

DAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_runs(days: frozenset[int]) -> list[tuple[int, int]]:
    """Cyclic runs of consecutive days as (first, last), starting after a missing day."""
    start = next(day for day in range(7) if (day - 1) % 7 not in days and day in days)
    runs: list[tuple[int, int]] = []
    for step in range(7):
        day = (start + step) % 7
        if day not in days:
            continue
        if runs and (runs[-1][1] + 1) % 7 == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def format_days(days: frozenset[int]) -> str:
    """Canonical days: ``daily``, ``on weekdays``, ``on weekends``, ``on mon-wed,fri``."""
    if days == ALL_DAYS:
        return "daily"
    if days == WEEKDAYS:
        return "on weekdays"
    if days == WEEKENDS:
        return "on weekends"
    parts = []
    for first, last in day_runs(days):
        length = (last - first) % 7 + 1
        if length >= 3:
            parts.append(f"{DAY_ABBREVIATIONS[first]}-{DAY_ABBREVIATIONS[last]}")
        else:
            parts.extend(DAY_ABBREVIATIONS[(first + step) % 7] for step in range(length))
    return "on " + ",".join(parts)


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def format_interval(minutes: int) -> str:
    """``45m``, ``2h``, ``90m``: whole hours as hours, anything else as minutes."""
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def format_rule(rule: Rule) -> str:
    """Canonical rule text that ``parse_rule`` reads back to an equal rule."""
    if isinstance(rule, Off):
        return "off"
    if isinstance(rule, At):
        return (
            f"at {','.join(format_time(value) for value in rule.times)} {format_days(rule.days)}"
        )
    return (
        f"every {format_interval(rule.minutes)} from {format_time(rule.start)} "
        f"to {format_time(rule.end)} {format_days(rule.days)}"
    )


def format_quiet(quiet: QuietHours | None) -> str:
    """``22:00-07:00``, or ``off`` for none: the words ``parse_quiet`` reads back."""
    return "off" if quiet is None else f"{format_time(quiet.start)}-{format_time(quiet.end)}"
