from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from reminder_bot.parsing import (
    ParseError,
    parse_days,
    parse_duration,
    parse_habit,
    parse_pause,
    parse_quiet,
    parse_rule,
    parse_schedule_command,
    parse_time,
    parse_timezone,
    zone_from_name,
)
from reminder_bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, At, Every, Off, QuietHours, Rule

BERLIN = ZoneInfo("Europe/Berlin")


def t(text: str) -> time:
    return time.fromisoformat(text)


@pytest.mark.parametrize(
    ("word", "habit"),
    [
        ("hydrate", "hydrate"), ("Water", "hydrate"), ("DRINK", "hydrate"),
        ("hydration", "hydrate"), ("move", "move"), ("break", "move"), ("walk", "move"),
        ("sit", "move"), ("sitting", "move"), ("stand", "move"), ("standing", "move"),
        ("posture", "posture"), ("back", "posture"), ("straighten", "posture"),
        ("stretch", "stretch"), ("stretches", "stretch"), ("stretching", "stretch"),
        ("exercise", "stretch"), ("  Move ", "move"),
    ],
)  # fmt: skip
def test_parse_habit(word: str, habit: str) -> None:
    assert parse_habit(word) == habit


def test_unknown_habit_lists_the_four() -> None:
    with pytest.raises(ParseError) as info:
        parse_habit("yoga")
    assert "'yoga'" in info.value.message
    for habit in ("hydrate", "move", "posture", "stretch"):
        assert habit in info.value.message
    assert info.value.example.startswith("move ")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("daily", ALL_DAYS), ("Daily", ALL_DAYS), ("every day", ALL_DAYS),
        ("weekdays", WEEKDAYS), ("weekends", WEEKENDS), ("mon-fri", WEEKDAYS),
        ("Mon - Fri", WEEKDAYS), ("fri-mon", frozenset({4, 5, 6, 0})),
        ("sun-sun", frozenset({6})), ("mon,wed,fri", frozenset({0, 2, 4})),
        ("mon, wed, fri", frozenset({0, 2, 4})), ("Monday,Friday", frozenset({0, 4})),
        ("saturday", frozenset({5})), ("mon-wed,sat", frozenset({0, 1, 2, 5})),
        ("tue thu", frozenset({1, 3})), ("sat,weekdays", frozenset(range(6))),
        ("lun-vie", WEEKDAYS), ("Miércoles", frozenset({2})), ("miercoles,sáb", frozenset({2, 5})),
        ("sab-dom", WEEKENDS),
    ],
)  # fmt: skip
def test_parse_days(text: str, days: frozenset[int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["mo", "mon-", "-fri", "someday", "", "mon-xyz"])
def test_bad_days(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_days(text)
    assert info.value.example
    if text:
        assert "'" in info.value.message


@pytest.mark.parametrize(
    ("text", "value"), [("9:30", t("09:30")), ("09:30", t("09:30")), ("0:00", t("00:00")),
                        ("23:59", t("23:59")), (" 12:05 ", t("12:05"))]
)  # fmt: skip
def test_parse_time(text: str, value: time) -> None:
    assert parse_time(text) == value


@pytest.mark.parametrize("text", ["24:00", "12:60", "9", "9.30", "09:3", "noon", "-1:00", ""])
def test_bad_time(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_time(text)
    assert f"'{text.strip()}'" in info.value.message
    assert info.value.example == "09:30"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45m", 45), ("2h", 120), ("1h30m", 90), ("90", 90), ("90 minutes", 90), ("1 hour", 60),
     ("3d", 3 * 1440), ("1d2h", 1560), ("45min", 45)],
)  # fmt: skip
def test_parse_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "m", "1x", "h2", "1.5h", "30m1h"])
def test_bad_duration(text: str) -> None:
    with pytest.raises(ParseError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("every 45m from 09:00 to 17:30 on mon-fri", Every(45, t("09:00"), t("17:30"), WEEKDAYS)),
        ("every 45m", Every(45, t("09:00"), t("18:00"), ALL_DAYS)),  # the default window
        ("Every 2h From 8:00 To 20:00", Every(120, t("08:00"), t("20:00"), ALL_DAYS)),
        ("every 1h30m between 08:00 and 20:00 weekends",
         Every(90, t("08:00"), t("20:00"), WEEKENDS)),
        ("every 90 minutes 10:00-16:00 on weekdays", Every(90, t("10:00"), t("16:00"), WEEKDAYS)),
        ("every 1 hour from 22:00 to 02:00 on fri",
         Every(60, t("22:00"), t("02:00"), frozenset({4}))),
        ("every 24h", Every(1440, t("09:00"), t("18:00"), ALL_DAYS)),
        ("every 5m daily", Every(5, t("09:00"), t("18:00"), ALL_DAYS)),
        # A window shorter than the interval is fine: one slot.
        ("every 3h from 09:00 to 10:00", Every(180, t("09:00"), t("10:00"), ALL_DAYS)),
        ("at 12:30 daily", At((t("12:30"),), ALL_DAYS)),
        ("at 9:00, 13:00", At((t("09:00"), t("13:00")), ALL_DAYS)),
        ("at 13:00,9:00,13:00 on sat", At((t("09:00"), t("13:00")), frozenset({5}))),
        ("at 9:00 and 17:00 on mon,wed,fri", At((t("09:00"), t("17:00")), frozenset({0, 2, 4}))),
        ("off", Off()),
        (" OFF ", Off()),
    ],
)  # fmt: skip
def test_parse_rule(text: str, rule: Rule) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("every 4m", "'4m'"),
        ("every 25h", "'25h'"),
        ("every 1d1m", "'1d1m'"),
        ("every xx", "'xx'"),
        ("every", "every"),
        ("every 45m on mo", "'mo'"),
        ("every 45m from 09:00 to 09:00", "09:00"),
        ("every 45m from 09:00", "'from 09:00'"),
        ("every 45m from 9 to 17", "'9'"),
        ("every 45m on", "on"),
        ("at 25:00", "'25:00'"),
        ("at", "at"),
        ("at 12:30 on weekdayz", "'weekdayz'"),
        ("sometimes", "'sometimes'"),
        ("off now", "'now'"),
        ("", "rule"),
    ],
)
def test_bad_rules_quote_the_token(text: str, quoted: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_rule(text)
    assert quoted in info.value.message
    # The example is always a whole rule that parses.
    parse_rule(info.value.example)


def test_too_many_at_times() -> None:
    text = "at " + ",".join(f"{h:02d}:{m:02d}" for h in range(13) for m in (0, 30))
    with pytest.raises(ParseError, match="26 times"):
        parse_rule(text)


def test_parse_schedule_command() -> None:
    assert parse_schedule_command("water every 90m") == (
        "hydrate",
        Every(90, t("09:00"), t("18:00"), ALL_DAYS),
    )
    assert parse_schedule_command("Stretch at 12:30 daily") == ("stretch", At((t("12:30"),)))
    for bad in ("", "move", "yoga every 1h", "move every 1m"):
        with pytest.raises(ParseError):
            parse_schedule_command(bad)


@pytest.mark.parametrize(
    ("text", "quiet"),
    [
        ("22:00-07:00", QuietHours(t("22:00"), t("07:00"))),
        ("22:00 - 7:00", QuietHours(t("22:00"), t("07:00"))),
        ("from 13:00 to 14:00", QuietHours(t("13:00"), t("14:00"))),
        ("off", None),
        ("None", None),
    ],
)
def test_parse_quiet(text: str, quiet: QuietHours | None) -> None:
    assert parse_quiet(text) == quiet


@pytest.mark.parametrize(
    ("text", "quoted"),
    [("22:00", "'22:00'"), ("22:00-22:00", "22:00"), ("25:00-07:00", "'25:00'"), ("late", "late")],
)
def test_bad_quiet(text: str, quoted: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_quiet(text)
    assert quoted in info.value.message
    assert info.value.example == "22:00-07:00"


NOW = datetime(2026, 5, 14, 10, 0, tzinfo=UTC)  # 12:00 in Berlin
DEFAULT = datetime(2026, 5, 15, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", DEFAULT),
        ("2h", NOW + timedelta(hours=2)),
        ("30m", NOW + timedelta(minutes=30)),
        ("for 1d", NOW + timedelta(days=1)),
        ("3d", NOW + timedelta(days=3)),
        ("30d", NOW + timedelta(days=30)),
        ("until 14:00", datetime(2026, 5, 14, 12, 0, tzinfo=UTC)),
        ("until 9:00", datetime(2026, 5, 15, 7, 0, tzinfo=UTC)),  # passed today: tomorrow's
        ("until 12:00", datetime(2026, 5, 15, 10, 0, tzinfo=UTC)),  # exactly now: tomorrow's
        ("until tomorrow", datetime(2026, 5, 14, 22, 0, tzinfo=UTC)),  # Berlin midnight
        ("tomorrow", datetime(2026, 5, 14, 22, 0, tzinfo=UTC)),
    ],
)
def test_parse_pause(text: str, expected: datetime) -> None:
    assert parse_pause(text, zone=BERLIN, now=NOW, default_until=DEFAULT) == expected


def test_pause_until_a_time_in_a_dst_gap() -> None:
    now = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 00:00 CET on the spring-forward day
    got = parse_pause("until 02:30", zone=BERLIN, now=now, default_until=now)
    assert got == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "quoted"), [("31d", "'31d'"), ("0m", "0"), ("soon", "'soon'"), ("until 25:00", "25")]
)
def test_bad_pause(text: str, quoted: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_pause(text, zone=BERLIN, now=NOW, default_until=DEFAULT)
    assert quoted in info.value.message


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"),
        ("america/new york", "America/New_York"), ("UTC", "UTC"), ("gmt", "UTC"),
        ("UTC+5", "UTC+05:00"), ("utc-5", "UTC-05:00"), ("GMT+2", "UTC+02:00"),
        ("UTC+05:30", "UTC+05:30"), ("UTC+0545", "UTC+05:45"), ("UTC+0", "UTC"),
        ("Etc/GMT+2", "Etc/GMT+2"),
    ],
)  # fmt: skip
def test_parse_timezone(text: str, name: str) -> None:
    assert parse_timezone(text) == name
    zone_from_name(name)


def test_zone_from_name() -> None:
    assert zone_from_name("UTC+05:30") == timezone(timedelta(hours=5, minutes=30))
    assert zone_from_name("UTC-03:30") == timezone(-timedelta(hours=3, minutes=30))
    assert zone_from_name("Europe/Berlin") == BERLIN
    with pytest.raises(ParseError):
        zone_from_name("Mars/Olympus")


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("Europe/Berln", "Europe/Berlin"), ("berlin", "Europe/Berlin"), ("Asia/Calcuta", "Calcutta")],
)
def test_unknown_timezone_suggests_close_matches(text: str, suggestion: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_timezone(text)
    assert f"'{text}'" in info.value.message
    assert suggestion in info.value.message
    assert info.value.example == "Europe/Berlin"


@pytest.mark.parametrize("text", ["UTC+15", "UTC+14:30", "UTC+5:75", "qqqqqqqq"])
def test_bad_timezone(text: str) -> None:
    with pytest.raises(ParseError):
        parse_timezone(text)


def test_parse_error_is_a_value_error() -> None:
    error = ParseError("bad", "good")
    assert isinstance(error, ValueError)
    assert str(error) == "bad"
    assert (error.message, error.example) == ("bad", "good")
