from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from rule_strategies import rules

from reminder_bot.describe import describe_days, describe_rule
from reminder_bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, At, Every, Off, Rule


def t(text: str) -> time:
    return time.fromisoformat(text)


@pytest.mark.parametrize(
    ("rule", "description"),
    [
        (Every(45, t("09:00"), t("17:30"), WEEKDAYS),
         "every 45 minutes from 09:00 to 17:30, Monday to Friday"),
        (Every(120, t("10:00"), t("16:00"), ALL_DAYS),
         "every 2 hours from 10:00 to 16:00, every day"),
        (Every(60, t("10:00"), t("16:00"), WEEKENDS),
         "every hour from 10:00 to 16:00, Saturday and Sunday"),
        (At((t("12:30"),), ALL_DAYS), "at 12:30, every day"),
        (At((t("09:00"), t("13:00")), frozenset({0, 2, 4})),
         "at 09:00 and 13:00, Monday, Wednesday and Friday"),
        (Off(), "off"),
    ],
)  # fmt: skip
def test_describe_rule(rule: Rule, description: str) -> None:
    assert describe_rule(rule) == description


@pytest.mark.parametrize(
    ("days", "description"),
    [
        (ALL_DAYS, "every day"), (WEEKDAYS, "Monday to Friday"),
        (frozenset({4, 5, 6, 0}), "Friday to Monday"), (frozenset({6, 0}), "Sunday and Monday"),
        (frozenset({2}), "Wednesday"),
        (frozenset({0, 1, 2, 5}), "Monday to Wednesday and Saturday"),
    ],
)  # fmt: skip
def test_describe_days(days: frozenset[int], description: str) -> None:
    assert describe_days(days) == description


@settings(max_examples=200, deadline=None)
@given(rules)
def test_every_rule_has_a_description(rule: Rule) -> None:
    assert describe_rule(rule)
