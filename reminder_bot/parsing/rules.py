"""Schedule rules and quiet hours: the ``/schedule`` and ``/quiet`` syntax, also in presets.

Rule syntax (``/schedule <habit> <rule>`` and the preset files)::

    every <N>m|<N>h|<N>h<M>m [from HH:MM to HH:MM] [on <days>]
    at HH:MM[, HH:MM ...] [on <days>]
    off

Defaults: an ``every`` rule without a window runs from 09:00 to 18:00; a rule without days runs
daily. Days are ``daily``, ``weekdays``, ``weekends``, ranges (``mon-fri``, wrapping ``fri-mon``),
lists (``mon,wed,fri``) or a mix (``mon-wed,sat``), in 3-letter or full English names.
"""

from __future__ import annotations

import re
from datetime import time

from reminder_bot.i18n import _
from reminder_bot.parsing.tokens import (
    EXAMPLE_QUIET,
    EXAMPLE_RULE,
    EXAMPLE_SCHEDULE,
    ParseError,
    looks_like_days,
    parse_days,
    parse_duration,
    parse_habit,
    parse_time,
)
from reminder_bot.rule_text import format_time
from reminder_bot.schedule import (
    ALL_DAYS,
    MAX_AT_TIMES,
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    At,
    Every,
    Off,
    QuietHours,
    Rule,
)

DEFAULT_WINDOW = (time(9, 0), time(18, 0))


def _split_days(tokens: list[str]) -> tuple[list[str], frozenset[int]]:
    """Strip a trailing ``[on] <days>`` from tokens."""
    if "on" in tokens:
        index = tokens.index("on")
        rest = tokens[index + 1 :]
        if not rest:
            raise ParseError(_("'on' must be followed by days"), EXAMPLE_RULE)
        return tokens[:index], parse_days(",".join(rest))
    # Days without "on" ("at 12:30 daily"): take the longest tail that reads as days, read from
    # the end (a time before the days ends it without looking any word up in other languages).
    start = len(tokens)
    while start > 0 and looks_like_days(tokens[start - 1]):
        start -= 1
    if start < len(tokens):
        return tokens[:start], parse_days(",".join(tokens[start:]))
    return tokens, ALL_DAYS


def _parse_window(tokens: list[str]) -> tuple[time, time]:
    text = " ".join(tokens)
    match = re.fullmatch(r"(?:from\s+|between\s+)?(\S+?)\s*(?:-|\bto\b|\band\b|–)\s*(\S+)", text)
    if not match:
        raise ParseError(
            _("'{text}' is not a window: use from HH:MM to HH:MM").format(text=text),
            EXAMPLE_RULE,
        )
    start, end = parse_time(match[1]), parse_time(match[2])
    if start == end:
        raise ParseError(
            _("the window from {start} to {end} is empty: start and end must differ").format(
                start=format_time(start), end=format_time(end)
            ),
            EXAMPLE_RULE,
        )
    return start, end


def _parse_every(tokens: list[str]) -> Every:
    body, days = _split_days(tokens)
    cut = next(
        (i for i, token in enumerate(body) if token in ("from", "between") or ":" in token),
        len(body),
    )
    duration_text = "".join(body[:cut])
    if not duration_text:
        raise ParseError(_("'every' must be followed by an interval such as 45m"), EXAMPLE_RULE)
    interval = parse_duration(duration_text)
    minutes = int(interval.total_seconds() // 60)
    if minutes < MIN_INTERVAL_MINUTES:
        raise ParseError(
            _("every '{token}' is too often: the shortest interval is 5 minutes").format(
                token=duration_text
            ),
            EXAMPLE_RULE,
        )
    if minutes > MAX_INTERVAL_MINUTES:
        raise ParseError(
            _("every '{token}' is too long: the longest interval is 24 hours").format(
                token=duration_text
            ),
            EXAMPLE_RULE,
        )
    start, end = _parse_window(body[cut:]) if body[cut:] else DEFAULT_WINDOW
    return Every(minutes, start, end, days)


def _parse_at(tokens: list[str]) -> At:
    body, days = _split_days(tokens)
    words = [word for word in ",".join(body).split(",") if word and word != "and"]
    if not words:
        raise ParseError(_("'at' must be followed by a time such as 12:30"), "at 12:30 daily")
    times = sorted({parse_time(word) for word in words})
    if len(times) > MAX_AT_TIMES:
        raise ParseError(
            _("{count} times are too many: give at most {limit}").format(
                count=len(times), limit=MAX_AT_TIMES
            ),
            "at 09:00,13:00,17:00 daily",
        )
    return At(tuple(times), days)


def parse_rule(text: str) -> Rule:
    """The rule part of ``/schedule``; see the module docstring for the syntax and defaults."""
    normalised = re.sub(r"\s*,\s*", ",", text.strip().lower())
    tokens = normalised.split()
    if not tokens:
        raise ParseError(_("no rule given: start with every, at or off"), EXAMPLE_RULE)
    head, rest = tokens[0], tokens[1:]
    try:
        if head in ("off", "none", "never"):
            if rest:
                raise ParseError(
                    _("'off' takes nothing after it, got '{rest}'").format(rest=" ".join(rest)),
                    "off",
                )
            return Off()
        if head == "every":
            return _parse_every(rest)
        if head == "at":
            return _parse_at(rest)
    except ParseError as error:
        # A bad day or time deep inside a rule is best fixed by looking at a whole rule.
        example = "at 12:30 daily" if head == "at" else "off" if head == "off" else EXAMPLE_RULE
        raise error.with_example(example) from None
    raise ParseError(
        _("'{word}' is not a rule: start with every, at or off").format(word=head), EXAMPLE_RULE
    )


def parse_schedule_command(args: str) -> tuple[str, Rule]:
    """``/schedule <habit> <rule>`` arguments to (habit, rule)."""
    parts = args.strip().split(maxsplit=1)
    if not parts:
        raise ParseError(_("name a habit and a rule"), EXAMPLE_SCHEDULE)
    habit = parse_habit(parts[0])
    if len(parts) == 1:
        raise ParseError(
            _("give a rule for {habit}: every, at or off").format(habit=habit),
            f"{habit} {EXAMPLE_RULE}",
        )
    return habit, parse_rule(parts[1])


def parse_quiet(text: str) -> QuietHours | None:
    """``22:00-07:00`` (may cross midnight), ``from 22:00 to 07:00``; ``off``/``none`` -> None."""
    cleaned = text.strip().lower()
    if cleaned in ("off", "none", "no"):
        return None
    match = re.fullmatch(r"(?:from\s+)?(\S+?)\s*(?:-|\bto\b|–)\s*(\S+)", cleaned)
    if not match:
        raise ParseError(
            _("'{text}' is not a quiet-hours range: use HH:MM-HH:MM").format(text=text.strip()),
            EXAMPLE_QUIET,
        )
    try:
        start, end = parse_time(match[1]), parse_time(match[2])
    except ParseError as error:
        raise error.with_example(EXAMPLE_QUIET) from None
    if start == end:
        raise ParseError(
            _("quiet hours from {start} to {end} are empty: start and end must differ").format(
                start=format_time(start), end=format_time(end)
            ),
            EXAMPLE_QUIET,
        )
    return QuietHours(start, end)
