"""User text to values: habits, days, times, rules, quiet hours, pauses, time zones.

The public face of the parsers; import from here. Inside, by kind of input:

- ``tokens``: ``ParseError``, the ``EXAMPLE_*`` forms, single habits, days, times, durations;
- ``rules``: the ``/schedule`` rule syntax (see its docstring) and quiet hours;
- ``zones``: pauses and time zones, read against the user's clock.

The way back is elsewhere: ``reminder_bot.rule_text`` writes the canonical text these functions
read, and ``reminder_bot.describe`` words values for people.
"""

from __future__ import annotations

from reminder_bot.parsing.rules import (
    DEFAULT_WINDOW,
    parse_quiet,
    parse_rule,
    parse_schedule_command,
)
from reminder_bot.parsing.tokens import (
    EXAMPLE_DAYS,
    EXAMPLE_PAUSE,
    EXAMPLE_QUIET,
    EXAMPLE_RULE,
    EXAMPLE_SCHEDULE,
    EXAMPLE_TIME,
    EXAMPLE_TIMEZONE,
    HABIT_ALIASES,
    ParseError,
    parse_days,
    parse_duration,
    parse_habit,
    parse_time,
)
from reminder_bot.parsing.zones import MAX_PAUSE, parse_pause, parse_timezone, zone_from_name

__all__ = [
    "DEFAULT_WINDOW",
    "EXAMPLE_DAYS",
    "EXAMPLE_PAUSE",
    "EXAMPLE_QUIET",
    "EXAMPLE_RULE",
    "EXAMPLE_SCHEDULE",
    "EXAMPLE_TIME",
    "EXAMPLE_TIMEZONE",
    "HABIT_ALIASES",
    "MAX_PAUSE",
    "ParseError",
    "parse_days",
    "parse_duration",
    "parse_habit",
    "parse_pause",
    "parse_quiet",
    "parse_rule",
    "parse_schedule_command",
    "parse_time",
    "parse_timezone",
    "zone_from_name",
]
