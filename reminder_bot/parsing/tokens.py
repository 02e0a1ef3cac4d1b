"""Single words of user input: habits, days, times and durations; the shared error type.

Every error is a ``ParseError(message, example)``: the message names what was wrong (quoting the
bad token) and the example is one right form. Messages are translated when raised, in the
language of the update being handled.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time, timedelta
from functools import cache

from babel.dates import get_day_names

from reminder_bot.i18n import _
from reminder_bot.rule_text import DAY_ABBREVIATIONS
from reminder_bot.schedule import ALL_DAYS, HABITS, WEEKDAYS, WEEKENDS

EXAMPLE_RULE = "every 45m from 09:00 to 17:30 on weekdays"
EXAMPLE_SCHEDULE = "move " + EXAMPLE_RULE
EXAMPLE_DAYS = "mon-fri"
EXAMPLE_TIME = "09:30"
EXAMPLE_QUIET = "22:00-07:00"
EXAMPLE_PAUSE = "2h"
EXAMPLE_TIMEZONE = "Europe/Berlin"

HABIT_ALIASES: dict[str, str] = {
    **{habit: habit for habit in HABITS},
    "water": "hydrate",
    "drink": "hydrate",
    "hydration": "hydrate",
    "break": "move",
    "walk": "move",
    "sit": "move",
    "sitting": "move",
    "stand": "move",
    "standing": "move",
    "back": "posture",
    "straighten": "posture",
    "stretches": "stretch",
    "stretching": "stretch",
    "exercise": "stretch",
}

# Commands are English whatever the chat's language, so the full names are the parser's own
# words, not the names people read (``describe.day_name``, in their language).
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ENGLISH_DAY_WORDS: dict[str, int] = {
    **{name: index for index, name in enumerate(DAY_ABBREVIATIONS)},
    **{name: index for index, name in enumerate(_FULL_DAY_NAMES)},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}


def _without_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


@cache
def _spanish_day_words() -> dict[str, int]:
    """A day is the one word people type in their own language: Spanish day names too, as
    Babel writes them and without accents (miércoles, miercoles, mié, sab). Built the first time
    a word is not English: Babel's Spanish locale data is ~4 MB, and the stored rules the bot
    reads back (``rule_text``) are always English."""
    return {
        form: day
        for width in ("wide", "abbreviated")
        for day, name in get_day_names(width, context="format", locale="es").items()
        for form in {name.lower().rstrip("."), _without_accents(name.lower().rstrip("."))}
    }


def _day_number(token: str) -> int | None:
    """0 = Monday for a day word in English or Spanish; None for any other word."""
    found = _ENGLISH_DAY_WORDS.get(token)
    if found is not None or not token.isalpha():  # times and durations are never days
        return found
    return _spanish_day_words().get(token)


_DAY_SETS: dict[str, frozenset[int]] = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
}

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DURATION = re.compile(
    r"^(?:(?P<d>\d+)(?:d|days?))?"
    r"(?:(?P<h>\d+)(?:h|hrs?|hours?))?"
    r"(?:(?P<m>\d+)(?:m|mins?|minutes?))?$"
)


class ParseError(ValueError):
    """Bad user input: ``message`` says what was wrong, ``example`` shows one right form."""

    def __init__(self, message: str, example: str) -> None:
        super().__init__(message, example)
        self.message = message
        self.example = example

    def __str__(self) -> str:
        return self.message

    def with_example(self, example: str) -> ParseError:
        return ParseError(self.message, example)


def parse_habit(word: str) -> str:
    """A habit name or alias (``water``, ``walk``, ``back``, ``stretching``...) to its habit."""
    key = word.strip().lower()
    if key in HABIT_ALIASES:
        return HABIT_ALIASES[key]
    raise ParseError(
        _("unknown habit '{word}': use one of {habits}").format(
            word=word.strip(), habits=", ".join(HABITS)
        ),
        EXAMPLE_SCHEDULE,
    )


def _day_error(token: str) -> ParseError:
    return ParseError(
        _("unknown day '{token}' (use daily, weekdays, weekends, mon-fri or mon,wed,fri)").format(
            token=token
        ),
        EXAMPLE_DAYS,
    )


def _day(token: str) -> int:
    found = _day_number(token)
    if found is None:
        raise _day_error(token)
    return found


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from ``daily``, ``weekdays``, ``weekends``, ``mon-fri``,
    ``fri-mon`` (wraps), ``mon,wed,fri`` or a mix such as ``mon-wed,sat``."""
    cleaned = re.sub(r"\s*-\s*", "-", text.strip().lower())
    tokens = [token for token in re.split(r"[\s,;]+|\band\b", cleaned) if token]
    if cleaned in ("every day", "all days"):
        return ALL_DAYS
    if not tokens:
        raise ParseError(_("no days given"), EXAMPLE_DAYS)
    days: set[int] = set()
    for token in tokens:
        if token in _DAY_SETS:
            days |= _DAY_SETS[token]
        elif "-" in token:
            first, _sep, last = token.partition("-")
            if not first or not last:
                raise _day_error(token)
            start, end = _day(first), _day(last)
            days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
        else:
            days.add(_day(token))
    return frozenset(days)


def looks_like_days(token: str) -> bool:
    """Whether ``token`` is made only of day words, so a rule can take days without ``on``."""
    parts = [part for part in re.split(r"[,-]", token) if part]
    return bool(parts) and all(
        part in _DAY_SETS or _day_number(part) is not None for part in parts
    )


def parse_time(text: str) -> time:
    """``H:MM`` or ``HH:MM`` on a 24-hour clock (``00:00`` .. ``23:59``)."""
    token = text.strip()
    match = _TIME.match(token)
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ParseError(
        _("'{token}' is not a time: use HH:MM on a 24-hour clock").format(token=token),
        EXAMPLE_TIME,
    )


def parse_duration(text: str) -> timedelta:
    """``45m``, ``2h``, ``1h30m``, ``3d``, ``90 minutes``; a bare number counts minutes."""
    token = text.strip().lower()
    compact = re.sub(r"\s+", "", token)
    if compact.isdigit():
        return timedelta(minutes=int(compact))
    match = _DURATION.match(compact)
    if compact and match:
        return timedelta(
            days=int(match["d"] or 0), hours=int(match["h"] or 0), minutes=int(match["m"] or 0)
        )
    raise ParseError(
        _("'{token}' is not a duration: use minutes or hours such as 45m, 2h or 1h30m").format(
            token=text.strip()
        ),
        "45m",
    )
