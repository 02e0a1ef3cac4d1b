"""The callback data of every inline button, built and read in one place.

Wire format, version 1: ``1:<kind>:<value>``, for example

- ``NudgeAction``: ``1:n:12:done`` (delivery id; done, snooze or skip); a snooze names its
  length in minutes, ``1:n:12:snooze:30`` (``delivery_rules.SNOOZE_CHOICES``), and one without
  (sent before there was a choice) means the first, 10 minutes
- ``TimeZonePick``: ``1:tz:Europe/Berlin`` (a canonical zone name, as parse_timezone gives)
- ``PresetPick``: ``1:p:gentle``
- ``Menu``: ``1:m:timezone`` or ``1:m:preset``
- ``ForgetConfirm``: ``1:f:yes`` or ``1:f:no``
- ``Settings``: ``1:s:<screen>[:<argument>]``, a /settings screen or a change made from one:
  ``1:s:h`` (the menu), ``1:s:hb:move`` (a habit), ``1:s:e:move:45`` (move every 45 minutes),
  ``1:s:dd:move:5:1`` (add Saturday), ``1:s:z:Asia/Tokyo`` (see ``Screen``)
- ``LanguagePick``: ``1:l:es`` (a language the bot speaks, ``i18n.LANGUAGES``)
- ``SafetyAnswer``: ``1:g:yes`` or ``1:g:no`` (the safety gate after /relief and /redflags),
  ``1:g:resume`` (under Yes's answer: resume the stretch nudges it paused for 7 days)
- ``PainScore``: ``1:c:<delivery id>:<0-10>`` (a tap on the daily pain check-in)
- ``StatsView``: ``1:st:14`` or ``1:st:30`` (the days /stats charts)

Telegram keeps a button's data for as long as its message stays in the chat, so ``decode`` also
reads the unversioned forms sent before the version prefix existed (``n:12:done``,
``tz:Europe/Berlin``, ``preset:gentle``, ``forget:yes``, ``menu:timezone``); a new format gets
a new version number and the old ones keep decoding. Data is at most 64 bytes (Telegram's limit).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from reminder_bot.delivery_rules import SNOOZE, SNOOZE_CHOICES
from reminder_bot.i18n import LANGUAGES
from reminder_bot.parsing import ParseError, parse_timezone
from reminder_bot.schedule import HABITS, MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES

MAX_BYTES = 64
PREFIX = "1:"

_DELIVERY_ID = re.compile(r"[1-9][0-9]{0,18}")
_MAX_DELIVERY_ID = 2**63 - 1  # SQLite's largest integer
# presets.NAME_PATTERN, loosened only in what cannot matter: unknown names are answered later.
_PRESET = re.compile(r"[a-z0-9][a-z0-9_-]*")


class CallbackDataError(ValueError):
    """The data is not a button this bot makes (any more): junk, forged or too long."""


class NudgeChoice(StrEnum):
    DONE = "done"
    SNOOZE = "snooze"
    SKIP = "skip"


@dataclass(frozen=True)
class NudgeAction:
    """A press under a nudge; ``minutes`` is a snooze's length, None on buttons that had none."""

    delivery_id: int
    action: NudgeChoice
    minutes: int | None = None

    @property
    def snooze(self) -> timedelta:
        return SNOOZE if self.minutes is None else timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class TimeZonePick:
    zone: str


@dataclass(frozen=True)
class PresetPick:
    name: str


class Menu(StrEnum):
    """The /start buttons that open the time zone or the preset choices."""

    TIMEZONE = "timezone"
    PRESET = "preset"


class ForgetConfirm(StrEnum):
    """The answer to /forget's "Sure?"."""

    YES = "yes"
    NO = "no"


class Screen(StrEnum):
    """A /settings screen, or a change made from one; ``Settings.arg`` names the habit and value.

    A change carries the value it sets (never "toggle"), so a press on an old menu does what its
    label said, to the settings as they are now.
    """

    # screens
    HOME = "h"
    OPEN = "o"  # the /start button: the menu as a new message
    CLOSE = "x"
    HABIT = "hb"  # habit
    EVERY = "ev"  # habit
    START = "ws"  # habit: first-nudge hour picker
    END = "we"  # habit: last-nudge hour picker
    DAYS = "dy"  # habit
    TIMES = "at"  # habit
    TYPE_TIMES = "ty"  # habit: the command to type other times
    QUIET = "q"
    QUIET_START = "qs"
    QUIET_END = "qe"
    PAUSE = "pz"
    ZONE = "tz"
    LOCATION = "lc"  # send the "share my location" keyboard
    PRESET = "pr"
    LANGUAGE = "lg"
    PROGRESS = "pg"  # the weekly summary, the pain check-in, the adaptive move timer
    SUMMARY = "sm"
    SUMMARY_TIME = "sh"  # summary hour picker
    CHECKIN = "ci"
    CHECKIN_TIME = "ch"  # check-in hour picker
    # changes
    HABIT_ON = "on"  # habit
    HABIT_OFF = "of"  # habit
    SET_EVERY = "e"  # habit:minutes
    SET_START = "s"  # habit:hour
    SET_END = "t"  # habit:hour
    SET_DAYS = "d"  # habit:daily|weekdays|weekends
    SET_DAY = "dd"  # habit:weekday:1|0 (add or remove)
    SET_TIME = "tt"  # habit:HHMM:1|0 (add or remove)
    SET_QUIET_START = "qa"  # hour
    SET_QUIET_END = "qb"  # hour
    QUIET_OFF = "qo"
    PAUSE_FOR = "p"  # 1h, 2h, today, 1d, 3d, 1w
    RESUME = "r"
    SET_ZONE = "z"  # zone
    SET_PRESET = "sp"  # preset
    LOCATION_YES = "ly"  # zone (looked up from a shared location; nothing else is kept)
    LOCATION_NO = "ln"
    SET_LANGUAGE = "sl"  # a language the bot speaks
    SUMMARY_ON = "s1"  # back to its last day and time
    SUMMARY_OFF = "s0"
    SET_SUMMARY_DAY = "sd"  # weekday
    SET_SUMMARY_TIME = "st"  # hour
    CHECKIN_ON = "c1"  # back to its last time
    CHECKIN_OFF = "c0"
    SET_CHECKIN_TIME = "ct"  # hour
    SET_ADAPTIVE = "am"  # 1 (on), 0 (off) or p (as the preset has it)
    HABIT_RESUME = "hr"  # habit: lift the habit's own pause


@dataclass(frozen=True)
class Settings:
    """A /settings button: the screen it shows or the change it makes, and its argument."""

    screen: Screen
    arg: str = ""


@dataclass(frozen=True)
class LanguagePick:
    """A /language choice."""

    language: str


class SafetyAnswer(StrEnum):
    """The answer to "Do any of these apply to you?" under /relief and /redflags."""

    YES = "yes"
    NO = "no"
    RESUME = "resume"  # the stretch nudges that Yes paused


@dataclass(frozen=True)
class PainScore:
    """A tap on the check-in ``delivery_id``: back pain today, 0 (none) to 10 (worst)."""

    delivery_id: int
    score: int


STATS_DAYS = (14, 30)


@dataclass(frozen=True)
class StatsView:
    """/stats for the last ``days`` days (one of ``STATS_DAYS``)."""

    days: int


Button = (
    NudgeAction
    | TimeZonePick
    | PresetPick
    | Menu
    | ForgetConfirm
    | Settings
    | LanguagePick
    | SafetyAnswer
    | PainScore
    | StatsView
)


def encode(button: Button) -> str:
    """The callback data for ``button``; raises ValueError past Telegram's 64 bytes."""
    match button:
        case NudgeAction(delivery_id, action, minutes):
            body = f"n:{delivery_id}:{action.value}"
            if minutes is not None:
                body += f":{minutes}"
        case TimeZonePick(zone):
            body = f"tz:{zone}"
        case PresetPick(name):
            body = f"p:{name}"
        case Menu():
            body = f"m:{button.value}"
        case ForgetConfirm():
            body = f"f:{button.value}"
        case Settings(screen, arg):
            body = f"s:{screen.value}:{arg}" if arg else f"s:{screen.value}"
        case LanguagePick(language):
            body = f"l:{language}"
        case SafetyAnswer():
            body = f"g:{button.value}"
        case PainScore(delivery_id, score):
            body = f"c:{delivery_id}:{score}"
        case StatsView(days):
            body = f"st:{days}"
    data = PREFIX + body
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Button:
    """The button ``data`` stands for; CallbackDataError for anything ``encode`` never made."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(data)
    if data.startswith(PREFIX):
        readers, body = _READERS, data.removeprefix(PREFIX)
    else:
        readers, body = _LEGACY_READERS, data
    kind, _sep, value = body.partition(":")
    reader = readers.get(kind)
    if reader is None:
        raise CallbackDataError(data)
    try:
        return reader(value)
    except (ValueError, ParseError):
        raise CallbackDataError(data) from None


_SNOOZE_MINUTES = {str(choice // timedelta(minutes=1)) for choice in SNOOZE_CHOICES}


def _nudge_action(value: str) -> NudgeAction:
    delivery_id, _sep, rest = value.partition(":")
    if not _DELIVERY_ID.fullmatch(delivery_id) or int(delivery_id) > _MAX_DELIVERY_ID:
        raise ValueError(value)
    action, sep, minutes = rest.partition(":")
    choice = NudgeChoice(action)
    if not sep:
        return NudgeAction(int(delivery_id), choice)
    if choice is not NudgeChoice.SNOOZE or minutes not in _SNOOZE_MINUTES:
        raise ValueError(value)
    return NudgeAction(int(delivery_id), choice, int(minutes))


def _legacy_nudge_action(value: str) -> NudgeAction:
    pressed = _nudge_action(value)
    if pressed.minutes is not None:  # lengths came with version 1
        raise ValueError(value)
    return pressed


def _time_zone_pick(value: str) -> TimeZonePick:
    # Only the canonical spelling is ever encoded; a forged zone raises ParseError.
    if parse_timezone(value) != value:
        raise ValueError(value)
    return TimeZonePick(value)


def _preset_pick(value: str) -> PresetPick:
    if not _PRESET.fullmatch(value):
        raise ValueError(value)
    return PresetPick(value)


def _canonical_zone(value: str) -> bool:
    return parse_timezone(value) == value


def _interval(value: str) -> bool:
    habit, _sep, minutes = value.partition(":")
    return (
        habit in HABITS
        and re.fullmatch(r"[1-9][0-9]{0,3}", minutes) is not None
        and MIN_INTERVAL_MINUTES <= int(minutes) <= MAX_INTERVAL_MINUTES
    )


def _shape(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern.replace("HABIT", "(?:" + "|".join(HABITS) + ")"))
    return lambda value: compiled.fullmatch(value) is not None


_HOUR = "(?:1?[0-9]|2[0-3])"
_NO_ARG = _shape("")
_HABIT_SCREENS = (
    *(Screen.HABIT, Screen.EVERY, Screen.START, Screen.END, Screen.DAYS, Screen.TIMES),
    *(Screen.TYPE_TIMES, Screen.HABIT_ON, Screen.HABIT_OFF, Screen.HABIT_RESUME),
)
# What each screen's argument may be; anything else is not a button this bot makes.
_SETTINGS_ARGS: dict[Screen, Callable[[str], bool]] = {
    **{screen: _NO_ARG for screen in Screen},
    **dict.fromkeys(_HABIT_SCREENS, _shape("HABIT")),
    Screen.SET_EVERY: _interval,
    Screen.SET_START: _shape(f"HABIT:{_HOUR}"),
    Screen.SET_END: _shape(f"HABIT:{_HOUR}"),
    Screen.SET_DAYS: _shape("HABIT:(?:daily|weekdays|weekends)"),
    Screen.SET_DAY: _shape("HABIT:[0-6]:[01]"),
    Screen.SET_TIME: _shape("HABIT:(?:[01][0-9]|2[0-3])[0-5][0-9]:[01]"),
    Screen.SET_QUIET_START: _shape(_HOUR),
    Screen.SET_QUIET_END: _shape(_HOUR),
    Screen.PAUSE_FOR: _shape("[1-9][0-9]?[hdw]|today"),
    Screen.SET_ZONE: _canonical_zone,
    Screen.LOCATION_YES: _canonical_zone,
    Screen.SET_PRESET: _shape(_PRESET.pattern),
    Screen.SET_LANGUAGE: lambda value: value in LANGUAGES,
    Screen.SET_SUMMARY_DAY: _shape("[0-6]"),
    Screen.SET_SUMMARY_TIME: _shape(_HOUR),
    Screen.SET_CHECKIN_TIME: _shape(_HOUR),
    Screen.SET_ADAPTIVE: _shape("[01p]"),
}


def _settings(value: str) -> Settings:
    name, sep, arg = value.partition(":")
    screen = Screen(name)
    if (sep and not arg) or not _SETTINGS_ARGS[screen](arg):
        raise ValueError(value)
    return Settings(screen, arg)


def _language_pick(value: str) -> LanguagePick:
    if value not in LANGUAGES:  # a language dropped since the button was sent, or forged
        raise ValueError(value)
    return LanguagePick(value)


def _pain_score(value: str) -> PainScore:
    delivery_id, _sep, score = value.partition(":")
    if not _DELIVERY_ID.fullmatch(delivery_id) or int(delivery_id) > _MAX_DELIVERY_ID:
        raise ValueError(value)
    if not re.fullmatch(r"[0-9]|10", score):
        raise ValueError(value)
    return PainScore(int(delivery_id), int(score))


def _stats_view(value: str) -> StatsView:
    if value not in {str(days) for days in STATS_DAYS}:
        raise ValueError(value)
    return StatsView(int(value))


_READERS: dict[str, Callable[[str], Button]] = {
    "n": _nudge_action,
    "tz": _time_zone_pick,
    "p": _preset_pick,
    "m": Menu,
    "f": ForgetConfirm,
    "s": _settings,
    "l": _language_pick,
    "g": SafetyAnswer,
    "c": _pain_score,
    "st": _stats_view,
}
# The kinds used before the version prefix; their values read the same.
_LEGACY_READERS: dict[str, Callable[[str], Button]] = {
    "n": _legacy_nudge_action,
    "tz": _time_zone_pick,
    "preset": _preset_pick,
    "menu": Menu,
    "forget": ForgetConfirm,
}
