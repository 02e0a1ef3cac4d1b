"""What a /settings button (or a typed command) does to a setting, as pure functions.

Each operation takes the setting as it is now and returns the new one (``Rule -> Rule``,
``QuietHours | None -> QuietHours``), so a press on an old menu acts on the current state. Two
errors say why not:

- ``MenuOutOfDate``: the change does not fit the setting any more (a window hour for a habit
  that now nudges at fixed times, days for a habit that is off): the menu showing it is old;
- ``SettingRefused``: the change would leave no valid setting (no day left, start = end); the
  message says what to do instead.

The async path that stores a change is ``handlers.settings_apply``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from reminder_bot.i18n import N_, _
from reminder_bot.parsing import DEFAULT_WINDOW
from reminder_bot.schedule import ALL_DAYS, MAX_AT_TIMES, At, Every, Off, QuietHours, Rule

# The choices the menu offers; anything else is typed (/schedule, /quiet, /pause).
INTERVAL_CHOICES = (30, 45, 60, 90, 120, 180)
COMMON_TIMES = (
    time(8, 0),
    time(10, 0),
    time(12, 0),
    time(12, 30),
    time(15, 0),
    time(17, 0),
    time(19, 0),
    time(21, 0),
)
# Button code -> (label, the /pause argument it stands for).
PAUSE_CHOICES: dict[str, tuple[str, str]] = {
    "1h": (N_("1 hour"), "1h"),
    "2h": (N_("2 hours"), "2h"),
    "today": (N_("Rest of today"), "until tomorrow"),
    "1d": (N_("1 day"), "1d"),
    "3d": (N_("3 days"), "3d"),
    "1w": (N_("1 week"), "7d"),
}
# What "turn on" gives a habit whose preset has it off too: the /schedule default window.
DEFAULT_ON = Every(60, DEFAULT_WINDOW[0], DEFAULT_WINDOW[1], ALL_DAYS)
DEFAULT_QUIET = QuietHours(time(22, 0), time(7, 0))


class MenuOutOfDate(Exception):
    """The change does not apply to the setting as it is now: the menu offering it is old."""


class SettingRefused(Exception):
    """The change would leave an invalid setting; ``message`` (translated) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def turn_off(rule: Rule) -> Rule:
    return Off()


def turn_on(rule: Rule, fallback: Rule | None = None) -> Rule:
    """An Off habit gets ``fallback`` (its preset's rule) or ``DEFAULT_ON``; others stay."""
    if not isinstance(rule, Off):
        return rule
    if fallback is None or isinstance(fallback, Off):
        return DEFAULT_ON
    return fallback


def set_interval(rule: Rule, minutes: int) -> Rule:
    """Nudge every ``minutes``: fixed times or Off become the default window, keeping days."""
    if isinstance(rule, Every):
        return replace(rule, minutes=minutes)
    days = ALL_DAYS if isinstance(rule, Off) else rule.days
    return Every(minutes, DEFAULT_WINDOW[0], DEFAULT_WINDOW[1], days)


def _window(rule: Rule, start: time | None = None, end: time | None = None) -> Every:
    if not isinstance(rule, Every):
        raise MenuOutOfDate(rule)
    start = rule.start if start is None else start
    end = rule.end if end is None else end
    if start == end:
        raise SettingRefused(_("The first and last nudge of the day must differ."))
    return replace(rule, start=start, end=end)


def set_window_start(rule: Rule, hour: int) -> Rule:
    """The window's first nudge at ``hour``:00 (an Every rule only)."""
    return _window(rule, start=time(hour))


def set_window_end(rule: Rule, hour: int) -> Rule:
    """The window's last nudge at ``hour``:00 at the latest (an Every rule only)."""
    return _window(rule, end=time(hour))


def set_days(rule: Rule, days: frozenset[int]) -> Rule:
    """The weekdays an Every or At rule runs on."""
    if isinstance(rule, Off):
        raise MenuOutOfDate(rule)
    if not days:
        raise SettingRefused(_("Keep at least one day, or turn the habit off."))
    return replace(rule, days=days)


def set_day(rule: Rule, day: int, on: bool) -> Rule:
    """Add (``on``) or remove one weekday."""
    if isinstance(rule, Off):
        raise MenuOutOfDate(rule)
    return set_days(rule, rule.days | {day} if on else rule.days - {day})


def toggle_day(rule: Rule, day: int) -> Rule:
    if isinstance(rule, Off):
        raise MenuOutOfDate(rule)
    return set_day(rule, day, day not in rule.days)


def set_fixed_time(rule: Rule, value: time, on: bool) -> Rule:
    """Add (``on``) or remove a fixed time; adding one to an Every or Off rule switches it to
    fixed times, keeping its days."""
    if isinstance(rule, At):
        times = set(rule.times) | {value} if on else set(rule.times) - {value}
        if not times:
            raise SettingRefused(_("Keep at least one time, or turn the habit off."))
        if len(times) > MAX_AT_TIMES:
            raise SettingRefused(_("That is too many times: remove one first."))
        return replace(rule, times=tuple(sorted(times)))
    if not on:
        raise MenuOutOfDate(rule)
    return At((value,), ALL_DAYS if isinstance(rule, Off) else rule.days)


def _quiet(quiet: QuietHours | None, start: time | None, end: time | None) -> QuietHours:
    base = quiet or DEFAULT_QUIET
    start = base.start if start is None else start
    end = base.end if end is None else end
    if start == end:
        raise SettingRefused(_("Quiet hours must start and end at different times."))
    return QuietHours(start, end)


def set_quiet_start(quiet: QuietHours | None, hour: int) -> QuietHours:
    """Quiet hours from ``hour``:00 (none yet: until the default end)."""
    return _quiet(quiet, time(hour), None)


def set_quiet_end(quiet: QuietHours | None, hour: int) -> QuietHours:
    """Quiet hours until ``hour``:00 (none yet: from the default start)."""
    return _quiet(quiet, None, time(hour))
