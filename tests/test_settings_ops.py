"""The settings operations are pure: a setting in, the changed setting out (or why not)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reminder_bot.parsing import ParseError, parse_quiet, parse_rule
from reminder_bot.rule_text import format_quiet, format_rule
from reminder_bot.schedule import WEEKDAYS, WEEKENDS, At, Off
from reminder_bot.settings_ops import (
    CHECKIN_EXAMPLE,
    DEFAULT_ON,
    SUMMARY_EXAMPLE,
    MenuOutOfDate,
    SettingRefused,
    parse_checkin,
    parse_summary,
    restore_rule,
    set_day,
    set_days,
    set_fixed_time,
    set_interval,
    set_quiet_end,
    set_quiet_start,
    set_window_end,
    set_window_start,
    toggle_day,
    turn_off,
    turn_on,
)
from reminder_bot.store.defaults import CHECKIN_DEFAULT

Op = Callable[..., Any]
EVERY = "every 45m from 09:00 to 17:30 on weekdays"
AT = "at 12:30 on mon-sat"


def changed(op, rule: str, *args: Any) -> str:
    return format_rule(op(parse_rule(rule), *args))


@pytest.mark.parametrize(
    ("rule", "minutes", "result"),
    [
        (EVERY, 30, "every 30m from 09:00 to 17:30 on weekdays"),
        (EVERY, 120, "every 2h from 09:00 to 17:30 on weekdays"),
        (AT, 90, "every 90m from 09:00 to 18:00 on mon-sat"),  # fixed times: default window
        ("off", 60, "every 1h from 09:00 to 18:00 daily"),
    ],
)
def test_set_interval(rule: str, minutes: int, result: str) -> None:
    assert changed(set_interval, rule, minutes) == result


@pytest.mark.parametrize(
    ("op", "rule", "hour", "result"),
    [
        (set_window_start, EVERY, 8, "every 45m from 08:00 to 17:30 on weekdays"),
        (set_window_start, EVERY, 0, "every 45m from 00:00 to 17:30 on weekdays"),
        (set_window_end, EVERY, 20, "every 45m from 09:00 to 20:00 on weekdays"),
        (set_window_end, EVERY, 2, "every 45m from 09:00 to 02:00 on weekdays"),  # past midnight
    ],
)
def test_window(op: Op, rule: str, hour: int, result: str) -> None:
    assert changed(op, rule, hour) == result


@pytest.mark.parametrize(
    ("op", "rule", "args", "error"),
    [
        (set_window_start, AT, (8,), MenuOutOfDate),
        (set_window_end, "off", (8,), MenuOutOfDate),
        (set_window_start, "every 1h from 09:00 to 17:00", (17,), SettingRefused),
        (set_days, "off", (WEEKDAYS,), MenuOutOfDate),
        (set_days, EVERY, (frozenset(),), SettingRefused),
        (set_day, "off", (1, True), MenuOutOfDate),
        (set_day, "at 12:30 on mon", (0, False), SettingRefused),
        (toggle_day, "off", (0,), MenuOutOfDate),
        (set_fixed_time, EVERY, (time(12), False), MenuOutOfDate),
        (set_fixed_time, "at 12:30 daily", (time(12, 30), False), SettingRefused),
        (
            set_fixed_time,
            "at " + ",".join(f"{h:02d}:00" for h in range(24)),
            (time(12, 30), True),
            SettingRefused,
        ),
    ],
)
def test_what_does_not_fit_says_why(op: Op, rule: str, args: tuple[Any, ...], error: type) -> None:
    with pytest.raises(error):
        op(parse_rule(rule), *args)


@pytest.mark.parametrize(
    ("op", "rule", "args", "result"),
    [
        (set_days, EVERY, (WEEKENDS,), "every 45m from 09:00 to 17:30 on weekends"),
        (set_days, AT, (WEEKDAYS,), "at 12:30 on weekdays"),
        (set_day, EVERY, (5, True), "every 45m from 09:00 to 17:30 on mon-sat"),
        (set_day, EVERY, (0, False), "every 45m from 09:00 to 17:30 on tue-fri"),
        (set_day, EVERY, (0, True), EVERY),  # already there: no change
        (set_day, EVERY, (6, False), EVERY),  # already gone: no change
        (toggle_day, EVERY, (2,), "every 45m from 09:00 to 17:30 on mon,tue,thu,fri"),
        (toggle_day, AT, (6,), "at 12:30 daily"),
        (set_fixed_time, AT, (time(8), True), "at 08:00,12:30 on mon-sat"),
        (set_fixed_time, "at 08:00,12:30 daily", (time(8), False), "at 12:30 daily"),
        (set_fixed_time, AT, (time(15), False), AT),  # not one of its times: no change
        (set_fixed_time, EVERY, (time(15), True), "at 15:00 on weekdays"),  # keeps the days
        (set_fixed_time, "off", (time(15), True), "at 15:00 daily"),
    ],
)
def test_days_and_times(op: Op, rule: str, args: tuple[Any, ...], result: str) -> None:
    assert changed(op, rule, *args) == result


@pytest.mark.parametrize(
    ("rule", "fallback", "result"),
    [
        ("off", "at 12:30 daily", "at 12:30 daily"),  # the preset's rule comes back
        ("off", "off", format_rule(DEFAULT_ON)),  # the preset has it off too
        ("off", None, format_rule(DEFAULT_ON)),
        (EVERY, "at 12:30 daily", EVERY),  # on already: unchanged
    ],
)
def test_turn_on(rule: str, fallback: str | None, result: str) -> None:
    back = parse_rule(fallback) if fallback is not None else None
    assert format_rule(turn_on(parse_rule(rule), back)) == result


@pytest.mark.parametrize("rule", [EVERY, AT, "off"])
def test_turn_off(rule: str) -> None:
    assert changed(turn_off, rule) == "off"


@pytest.mark.parametrize(
    ("op", "quiet", "hour", "result"),
    [
        (set_quiet_start, "21:30-07:30", 22, "22:00-07:30"),
        (set_quiet_end, "21:30-07:30", 6, "21:30-06:00"),
        (set_quiet_start, "off", 23, "23:00-07:00"),  # none yet: the default end
        (set_quiet_end, "off", 8, "22:00-08:00"),  # none yet: the default start
        (set_quiet_end, "22:00-07:00", 23, "22:00-23:00"),
    ],
)
def test_quiet_hours(op: Op, quiet: str, hour: int, result: str) -> None:
    assert format_quiet(op(parse_quiet(quiet), hour)) == result


@pytest.mark.parametrize(
    ("op", "quiet", "hour"),
    [(set_quiet_start, "22:00-07:00", 7), (set_quiet_end, "off", 22)],
)
def test_quiet_hours_must_not_be_empty(op: Op, quiet: str, hour: int) -> None:
    with pytest.raises(SettingRefused):
        op(parse_quiet(quiet), hour)


# ----- the weekly summary and the pain check-in ------------------------------------------------

SUNDAY_18 = At((time(18, 0),), frozenset({6}))


@pytest.mark.parametrize(
    ("typed", "current", "expected"),
    [
        ("fri 17:30", "at 18:00 on sun", "at 17:30 on fri"),
        ("17:30 Friday", "at 18:00 on sun", "at 17:30 on fri"),
        ("7:05", "at 18:00 on sat", "at 07:05 on sat"),  # a time alone keeps the day
        ("tue", "at 09:15 on sat", "at 09:15 on tue"),  # a day alone keeps the time
        ("viernes 17:30", "at 18:00 on sun", "at 17:30 on fri"),
        ("Miércoles 08:00", "off", "at 08:00 on wed"),
        ("sáb", "off", "at 18:00 on sat"),  # off: the restored time
        ("mie 08:00", "off", "at 08:00 on wed"),
        ("off", "at 18:00 on sun", "off"),
        ("on", "off", "at 18:00 on sun"),
        ("ON", "at 17:00 on fri", "at 17:00 on fri"),  # on already: unchanged
    ],
)
def test_parse_summary(typed: str, current: str, expected: str) -> None:
    assert format_rule(parse_summary(typed, parse_rule(current), SUNDAY_18)) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("someday 17:30", "'someday' is not one day of the week"),
        ("weekdays 17:30", "'weekdays' is not one day of the week"),
        ("mon-wed 17:30", "'mon-wed' is not one day of the week"),
        ("fri 24:00", "'24:00' is not a time"),
        ("fri 17:30 now", "give a day and a time, or on or off"),
        ("", "give a day and a time, or on or off"),
    ],
)
def test_bad_summary_says_what_with_an_example(typed: str, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_summary(typed, SUNDAY_18, SUNDAY_18)
    assert raised.value.message.startswith(message)
    assert raised.value.example == SUMMARY_EXAMPLE


@pytest.mark.parametrize(
    ("typed", "current", "expected"),
    [
        ("on", "off", "at 20:00 daily"),
        ("on", "at 07:00 daily", "at 07:00 daily"),
        ("on 21:15", "off", "at 21:15 daily"),
        ("21:15", "at 20:00 daily", "at 21:15 daily"),
        ("off", "at 20:00 daily", "off"),
    ],
)
def test_parse_checkin(typed: str, current: str, expected: str) -> None:
    rule = parse_checkin(typed, parse_rule(current), CHECKIN_DEFAULT)
    assert format_rule(rule) == expected


@pytest.mark.parametrize("typed", ["maybe", "on 7pm", "on 20:00 daily", "", "21:15 22:00"])
def test_bad_checkin_says_what_with_an_example(typed: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_checkin(typed, Off(), CHECKIN_DEFAULT)
    assert raised.value.example == CHECKIN_EXAMPLE


BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("kind", "last", "expected"),
    [
        ("summary", None, "at 18:00 on sun"),
        ("checkin", None, "at 20:00 daily"),
        # Friday 27 Nov 16:30 UTC is 17:30 in Berlin.
        ("summary", datetime(2026, 11, 27, 16, 30, tzinfo=UTC), "at 17:30 on fri"),
        ("checkin", datetime(2026, 11, 27, 20, 15, tzinfo=UTC), "at 21:15 daily"),
        # 23:30 UTC on Saturday is already Sunday in Berlin.
        ("summary", datetime(2026, 11, 28, 23, 30, tzinfo=UTC), "at 00:30 on sun"),
    ],
)
def test_on_restores_the_last_day_and_time_logged(
    kind: str, last: datetime | None, expected: str
) -> None:
    assert format_rule(restore_rule(kind, last, BERLIN)) == expected
