"""User text to values and back: habits, days, times, rules, quiet hours, pauses, time zones.

Every error is a ``ParseError(message, example)``: the message names what was wrong (quoting the
bad token) and the example is one right form. Messages are translated when raised, in the
language of the update being handled.

Rule syntax (``/schedule <habit> <rule>`` and the preset files)::

    every <N>m|<N>h|<N>h<M>m [from HH:MM to HH:MM] [on <days>]
    at HH:MM[, HH:MM ...] [on <days>]
    off

Defaults: an ``every`` rule without a window runs from 09:00 to 18:00; a rule without days runs
daily. Days are ``daily``, ``weekdays``, ``weekends``, ranges (``mon-fri``, wrapping ``fri-mon``),
lists (``mon,wed,fri``) or a mix (``mon-wed,sat``), in 3-letter or full English names.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache

from reminder_bot.i18n import N_, _, ngettext
from reminder_bot.schedule import (
    ALL_DAYS,
    HABITS,
    MAX_AT_TIMES,
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    WEEKDAYS,
    WEEKENDS,
    At,
    Every,
    Off,
    QuietHours,
    Rule,
    resolve_wall_time,
)

DEFAULT_WINDOW = (time(9, 0), time(18, 0))
MAX_PAUSE = timedelta(days=30)

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

DAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
_DAY_WORDS: dict[str, int] = {
    **{name: index for index, name in enumerate(DAY_ABBREVIATIONS)},
    **{name.lower(): index for index, name in enumerate(DAY_NAMES)},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
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
_OFFSET_ZONE = re.compile(r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")


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


# --- habits and days ---------------------------------------------------------------------------


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
    if token in _DAY_WORDS:
        return _DAY_WORDS[token]
    raise _day_error(token)


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


def _runs(days: frozenset[int]) -> list[tuple[int, int]]:
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
    for first, last in _runs(days):
        length = (last - first) % 7 + 1
        if length >= 3:
            parts.append(f"{DAY_ABBREVIATIONS[first]}-{DAY_ABBREVIATIONS[last]}")
        else:
            parts.extend(DAY_ABBREVIATIONS[(first + step) % 7] for step in range(length))
    return "on " + ",".join(parts)


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def describe_days(days: frozenset[int]) -> str:
    """A friendly, translated phrase: "every day", "Monday to Friday", "Monday and Friday"."""
    if days == ALL_DAYS:
        return _("every day")
    names: list[str] = []
    for first, last in _runs(days):
        length = (last - first) % 7 + 1
        if length >= 3:
            names.append(
                _("{first} to {last}").format(first=_(DAY_NAMES[first]), last=_(DAY_NAMES[last]))
            )
        else:
            names.extend(_(DAY_NAMES[(first + step) % 7]) for step in range(length))
    return _join(names)


# --- times and durations -----------------------------------------------------------------------


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


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


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


def format_interval(minutes: int) -> str:
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


# --- rules -------------------------------------------------------------------------------------


def _split_days(tokens: list[str]) -> tuple[list[str], frozenset[int]]:
    """Strip a trailing ``[on] <days>`` from tokens."""
    if "on" in tokens:
        index = tokens.index("on")
        rest = tokens[index + 1 :]
        if not rest:
            raise ParseError(_("'on' must be followed by days"), EXAMPLE_RULE)
        return tokens[:index], parse_days(",".join(rest))
    # Days without "on" ("at 12:30 daily"): take the longest tail that reads as days.
    for index in range(len(tokens)):
        tail = tokens[index:]
        if tail and all(_looks_like_days(token) for token in tail):
            return tokens[:index], parse_days(",".join(tail))
    return tokens, ALL_DAYS


def _looks_like_days(token: str) -> bool:
    parts = [part for part in re.split(r"[,-]", token) if part]
    return bool(parts) and all(part in _DAY_WORDS or part in _DAY_SETS for part in parts)


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


def _describe_interval(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("every hour", "every {n} hours", hours).format(n=hours)
    return ngettext("every minute", "every {n} minutes", minutes).format(n=minutes)


def describe_rule(rule: Rule) -> str:
    """A friendly, translated sentence: "every 45 minutes from 09:00 to 17:30, Monday to
    Friday"."""
    if isinstance(rule, Off):
        return _("off")
    days = describe_days(rule.days)
    if isinstance(rule, At):
        return _("at {times}, {days}").format(
            times=_join([format_time(value) for value in rule.times]), days=days
        )
    return _("{interval} from {start} to {end}, {days}").format(
        interval=_describe_interval(rule.minutes),
        start=format_time(rule.start),
        end=format_time(rule.end),
        days=days,
    )


# --- quiet hours, pause ------------------------------------------------------------------------


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


def format_quiet(quiet: QuietHours | None) -> str:
    return "off" if quiet is None else f"{format_time(quiet.start)}-{format_time(quiet.end)}"


def _next_local(day: date, value: time, zone: tzinfo, now: datetime) -> datetime:
    instant = resolve_wall_time(datetime.combine(day, value), zone)
    if instant <= now:
        instant = resolve_wall_time(datetime.combine(day + timedelta(days=1), value), zone)
    return instant


def parse_pause(text: str, *, zone: tzinfo, now: datetime, default_until: datetime) -> datetime:
    """When a pause ends, in UTC.

    ``2h``, ``30m``, ``1d``, ``3d``, ``1h30m`` (optionally after ``for``) count from now;
    ``until HH:MM`` is the next time that wall time comes after now; ``until tomorrow`` is the
    coming local midnight; empty text gives ``default_until``. At most 30 days.
    """
    cleaned = re.sub(r"\s+", " ", text.strip().lower())
    if not cleaned:
        return default_until.astimezone(UTC)
    words = cleaned.split(" ", 1)
    if words[0] == "until" and len(words) == 2:
        target = words[1]
        if target == "tomorrow":
            tomorrow = now.astimezone(zone).date() + timedelta(days=1)
            return resolve_wall_time(datetime.combine(tomorrow, time()), zone)
        try:
            value = parse_time(target)
        except ParseError as error:
            raise error.with_example("until 14:00") from None
        return _next_local(now.astimezone(zone).date(), value, zone, now)
    if words[0] == "tomorrow":
        return parse_pause("until tomorrow", zone=zone, now=now, default_until=default_until)
    if words[0] == "for" and len(words) == 2:
        cleaned = words[1]
    try:
        length = parse_duration(cleaned)
    except ParseError:
        raise ParseError(
            _("'{text}' is not a pause: use 30m, 2h, 3d, until 14:00 or until tomorrow").format(
                text=text.strip()
            ),
            EXAMPLE_PAUSE,
        ) from None
    if length <= timedelta(0):
        raise ParseError(_("a pause must be longer than 0 minutes"), EXAMPLE_PAUSE)
    if length > MAX_PAUSE:
        raise ParseError(
            _("'{text}' is too long: a pause lasts at most 30 days").format(text=text.strip()),
            "30d",
        )
    return (now + length).astimezone(UTC)


# --- time zones --------------------------------------------------------------------------------


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _offset_name(sign: str, hours: int, minutes: int) -> str:
    if hours == 0 and minutes == 0:
        return "UTC"
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def parse_timezone(text: str) -> str:
    """A canonical zone name: an IANA name (any case), ``UTC``, or ``UTC+05:30``-style offsets
    (``UTC-5``, ``GMT+2``, ``utc+0530``)."""
    cleaned = text.strip()
    key = re.sub(r"\s+", "_", cleaned.lower())
    if key in ("utc", "gmt", "z", "utc+0", "utc-0"):
        return "UTC"
    match = _OFFSET_ZONE.match(cleaned.lower())
    if match:
        hours, minutes = int(match[2]), int(match[3] or 0)
        if hours > 14 or minutes >= 60 or hours * 60 + minutes > 14 * 60:
            raise ParseError(
                _("'{text}' is not an offset: use UTC-12:00 .. UTC+14:00").format(text=cleaned),
                "UTC+05:30",
            )
        return _offset_name(match[1], hours, minutes)
    names = _zone_names()
    if key in names:
        return names[key]
    by_city = {name.rsplit("/", 1)[-1]: names[name] for name in names}
    suggestions = [names[name] for name in difflib.get_close_matches(key, list(names), n=3)]
    suggestions += [
        by_city[city]
        for city in difflib.get_close_matches(key, list(by_city), n=3)
        if by_city[city] not in suggestions
    ]
    if suggestions:
        message = _("unknown time zone '{text}'; did you mean {names}?").format(
            text=cleaned, names=", ".join(suggestions[:3])
        )
    else:
        message = _("unknown time zone '{text}': use a name such as Europe/Berlin").format(
            text=cleaned
        )
    raise ParseError(message, EXAMPLE_TIMEZONE)


def zone_from_name(name: str) -> tzinfo:
    """The tzinfo for a canonical name from ``parse_timezone`` (ZoneInfo or a fixed offset)."""
    match = re.fullmatch(r"UTC([+-])(\d{2}):(\d{2})", name)
    if match:
        offset = timedelta(hours=int(match[2]), minutes=int(match[3]))
        return timezone(-offset if match[1] == "-" else offset)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ParseError(
            _("unknown time zone '{text}': use a name such as Europe/Berlin").format(text=name),
            EXAMPLE_TIMEZONE,
        ) from None
