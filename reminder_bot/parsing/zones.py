"""Input read against the user's clock: pauses (``/pause``) and time zones (``/timezone``)."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache

from reminder_bot.i18n import _
from reminder_bot.parsing.tokens import (
    EXAMPLE_PAUSE,
    EXAMPLE_TIMEZONE,
    ParseError,
    parse_duration,
    parse_time,
)
from reminder_bot.schedule import resolve_wall_time

MAX_PAUSE = timedelta(days=30)

_OFFSET_ZONE = re.compile(r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")


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
