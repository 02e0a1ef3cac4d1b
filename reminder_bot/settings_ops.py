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
from datetime import datetime, time, tzinfo

from reminder_bot.i18n import N_, _
from reminder_bot.parsing import DEFAULT_WINDOW, ParseError, parse_days, parse_time
from reminder_bot.schedule import (
    ALL_DAYS,
    MAX_AT_TIMES,
    SUMMARY,
    At,
    Every,
    Off,
    QuietHours,
    Rule,
)
from reminder_bot.store.defaults import CHECKIN_DEFAULT, SUMMARY_DEFAULT

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


# ----- the weekly summary and the pain check-in (schedule.EXTRAS) ------------------------------


def restore_rule(kind: str, last: datetime | None, zone: tzinfo) -> At:
    """What turning the summary or check-in back on gives: the time (and, for the summary, the
    day) of its latest slot in the delivery log, else the default."""
    default = SUMMARY_DEFAULT if kind == SUMMARY else CHECKIN_DEFAULT
    if last is None:
        return default
    local = last.astimezone(zone)
    days = frozenset({local.weekday()}) if kind == SUMMARY else default.days
    return At((time(local.hour, local.minute),), days)


def extra_on(rule: Rule, restore: At) -> Rule:
    """On: a rule already on stays; off comes back as ``restore``."""
    return rule if isinstance(rule, At) else restore


def set_extra_day(rule: Rule, day: int, restore: At) -> At:
    """The summary on one weekday, keeping its time (turning it on if it was off)."""
    base = rule if isinstance(rule, At) else restore
    return At(base.times, frozenset({day}))


def set_extra_time(rule: Rule, value: time, restore: At) -> At:
    """The summary or check-in at ``value``, keeping its days (turning it on if it was off)."""
    base = rule if isinstance(rule, At) else restore
    return At((value,), base.days)


SUMMARY_EXAMPLE = "fri 17:30"
CHECKIN_EXAMPLE = "on 21:15"


def parse_weekday(word: str) -> int:
    """One weekday: ``fri``, ``friday``, ``vie``, ``viernes``."""
    try:
        days = parse_days(word.rstrip("."))
    except ParseError:
        days = frozenset()
    if len(days) != 1:
        raise ParseError(
            _("'{word}' is not one day of the week: use mon … sun (or lun … dom)").format(
                word=word
            ),
            SUMMARY_EXAMPLE,
        )
    return next(iter(days))


def _time_word(word: str, example: str) -> time:
    try:
        return parse_time(word)
    except ParseError as error:
        raise error.with_example(example) from None


def parse_summary(text: str, current: Rule, restore: At) -> Rule:
    """``/summary`` arguments: ``on``, ``off``, ``<day> <HH:MM>``, or a day or a time alone."""
    words = text.lower().split()
    if words in (["on"], ["off"]):
        return Off() if words == ["off"] else extra_on(current, restore)
    if not 1 <= len(words) <= 2:
        raise ParseError(_("give a day and a time, or on or off"), SUMMARY_EXAMPLE)
    rule: Rule = current
    for word in words:
        if ":" in word or word.isdigit():
            rule = set_extra_time(rule, _time_word(word, SUMMARY_EXAMPLE), restore)
        else:
            rule = set_extra_day(rule, parse_weekday(word), restore)
    return rule


def parse_checkin(text: str, current: Rule, restore: At) -> Rule:
    """``/checkin`` arguments: ``on``, ``off``, ``on <HH:MM>`` or ``<HH:MM>``."""
    words = text.lower().split()
    if words == ["off"]:
        return Off()
    if words and words[0] == "on":
        words = words[1:]
        if not words:
            return extra_on(current, restore)
    if len(words) != 1:
        raise ParseError(_("give on, off or a time such as 21:15"), CHECKIN_EXAMPLE)
    return set_extra_time(current, _time_word(words[0], CHECKIN_EXAMPLE), restore)
