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


# --- TEMPORARY re-exports until store/handlers import the new modules ---------------------------
# store.py and handlers.py still reach these through reminder_bot.parsing; the lead deletes this
# block once they import from reminder_bot.rule_text and reminder_bot.describe instead.
from reminder_bot.describe import DAY_NAMES as DAY_NAMES  # noqa: E402
from reminder_bot.describe import describe_days as describe_days  # noqa: E402
from reminder_bot.describe import describe_rule as describe_rule  # noqa: E402
from reminder_bot.rule_text import DAY_ABBREVIATIONS as DAY_ABBREVIATIONS  # noqa: E402
from reminder_bot.rule_text import format_days as format_days  # noqa: E402
from reminder_bot.rule_text import format_interval as format_interval  # noqa: E402
from reminder_bot.rule_text import format_quiet as format_quiet  # noqa: E402
from reminder_bot.rule_text import format_rule as format_rule  # noqa: E402
from reminder_bot.rule_text import format_time as format_time  # noqa: E402
