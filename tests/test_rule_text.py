from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from rule_strategies import day_sets, rules

from reminder_bot.parsing import parse_days, parse_quiet, parse_rule
from reminder_bot.rule_text import format_days, format_interval, format_quiet, format_rule
from reminder_bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, At, Every, Off, QuietHours, Rule


def t(text: str) -> time:
    return time.fromisoformat(text)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (ALL_DAYS, "daily"), (WEEKDAYS, "on weekdays"), (WEEKENDS, "on weekends"),
        (frozenset({0, 2, 4}), "on mon,wed,fri"), (frozenset({4, 5, 6, 0}), "on fri-mon"),
        (frozenset({0, 1, 2, 5}), "on mon-wed,sat"), (frozenset({6, 0}), "on sun,mon"),
        (frozenset(range(6)), "on mon-sat"),
    ],
)  # fmt: skip
def test_format_days(days: frozenset[int], text: str) -> None:
    assert format_days(days) == text


@pytest.mark.parametrize(
    ("minutes", "text"), [(45, "45m"), (60, "1h"), (90, "90m"), (1440, "24h")]
)
def test_format_interval(minutes: int, text: str) -> None:
    assert format_interval(minutes) == text


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (Every(45, t("09:00"), t("17:30"), WEEKDAYS), "every 45m from 09:00 to 17:30 on weekdays"),
        (Every(120, t("10:00"), t("16:00"), ALL_DAYS), "every 2h from 10:00 to 16:00 daily"),
        (Every(60, t("10:00"), t("16:00"), WEEKENDS), "every 1h from 10:00 to 16:00 on weekends"),
        (At((t("12:30"),), ALL_DAYS), "at 12:30 daily"),
        (At((t("09:00"), t("13:00")), frozenset({0, 2, 4})), "at 09:00,13:00 on mon,wed,fri"),
        (Off(), "off"),
    ],
)  # fmt: skip
def test_format_rule(rule: Rule, text: str) -> None:
    assert format_rule(rule) == text


@settings(max_examples=300, deadline=None)
@given(rules)
def test_format_rule_round_trips(rule: Rule) -> None:
    text = format_rule(rule)
    assert parse_rule(text) == rule
    assert parse_rule(text.upper()) == rule


@settings(max_examples=200, deadline=None)
@given(day_sets)
def test_format_days_round_trips(days: frozenset[int]) -> None:
    assert parse_days(format_days(days).removeprefix("on ")) == days


@pytest.mark.parametrize(
    ("quiet", "text"),
    [
        (QuietHours(t("22:00"), t("07:00")), "22:00-07:00"),
        (QuietHours(t("13:00"), t("14:05")), "13:00-14:05"),
        (None, "off"),
    ],
)
def test_format_quiet_round_trips(quiet: QuietHours | None, text: str) -> None:
    assert format_quiet(quiet) == text
    assert parse_quiet(text) == quiet
