"""The callback data of every inline button, built and read in one place.

Wire format, version 1: ``1:<kind>:<value>``, for example

- ``NudgeAction``: ``1:n:12:done`` (delivery id; done, snooze or skip)
- ``TimeZonePick``: ``1:tz:Europe/Berlin`` (a canonical zone name, as parse_timezone gives)
- ``PresetPick``: ``1:p:gentle``
- ``Menu``: ``1:m:timezone`` or ``1:m:preset``
- ``ForgetConfirm``: ``1:f:yes`` or ``1:f:no``

Telegram keeps a button's data for as long as its message stays in the chat, so ``decode`` also
reads the unversioned forms sent before the version prefix existed (``n:12:done``,
``tz:Europe/Berlin``, ``preset:gentle``, ``forget:yes``, ``menu:timezone``); a new format gets
a new version number and the old ones keep decoding. Data is at most 64 bytes (Telegram's limit).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from reminder_bot.parsing import ParseError, parse_timezone

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
    delivery_id: int
    action: NudgeChoice


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


Button = NudgeAction | TimeZonePick | PresetPick | Menu | ForgetConfirm


def encode(button: Button) -> str:
    """The callback data for ``button``; raises ValueError past Telegram's 64 bytes."""
    match button:
        case NudgeAction(delivery_id, action):
            body = f"n:{delivery_id}:{action.value}"
        case TimeZonePick(zone):
            body = f"tz:{zone}"
        case PresetPick(name):
            body = f"p:{name}"
        case Menu():
            body = f"m:{button.value}"
        case ForgetConfirm():
            body = f"f:{button.value}"
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


def _nudge_action(value: str) -> NudgeAction:
    delivery_id, _sep, action = value.partition(":")
    if not _DELIVERY_ID.fullmatch(delivery_id) or int(delivery_id) > _MAX_DELIVERY_ID:
        raise ValueError(value)
    return NudgeAction(int(delivery_id), NudgeChoice(action))


def _time_zone_pick(value: str) -> TimeZonePick:
    # Only the canonical spelling is ever encoded; a forged zone raises ParseError.
    if parse_timezone(value) != value:
        raise ValueError(value)
    return TimeZonePick(value)


def _preset_pick(value: str) -> PresetPick:
    if not _PRESET.fullmatch(value):
        raise ValueError(value)
    return PresetPick(value)


_READERS: dict[str, Callable[[str], Button]] = {
    "n": _nudge_action,
    "tz": _time_zone_pick,
    "p": _preset_pick,
    "m": Menu,
    "f": ForgetConfirm,
}
# The kinds used before the version prefix; their values read the same.
_LEGACY_READERS: dict[str, Callable[[str], Button]] = {
    "n": _nudge_action,
    "tz": _time_zone_pick,
    "preset": _preset_pick,
    "menu": Menu,
    "forget": ForgetConfirm,
}
