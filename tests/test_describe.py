from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from rule_strategies import rules

from reminder_bot import i18n
from reminder_bot.describe import day_name, describe_days, describe_rule, short_day_name
from reminder_bot.schedule import ALL_DAYS, WEEKDAYS, WEEKENDS, At, Every, Off, Rule
from reminder_bot.when_text import format_when


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


@pytest.mark.parametrize(
    ("rule", "description"),
    [
        (Every(45, t("09:00"), t("17:30"), WEEKDAYS),
         "cada 45 minutos de 09:00 a 17:30, de lunes a viernes"),
        (Every(120, t("10:00"), t("16:00"), ALL_DAYS),
         "cada 2 horas de 10:00 a 16:00, todos los días"),
        (Every(60, t("10:00"), t("16:00"), WEEKENDS),
         "cada hora de 10:00 a 16:00, sábado y domingo"),
        (At((t("09:00"), t("13:00")), frozenset({0, 2, 4})),
         "a las 09:00 y 13:00, lunes, miércoles y viernes"),
        (At((t("12:30"),), frozenset({0, 1, 2, 5})),
         "a las 12:30, de lunes a miércoles y sábado"),
        (Off(), "desactivado"),
    ],
)  # fmt: skip
def test_describe_rule_in_spanish(rule: Rule, description: str) -> None:
    with i18n.language("es-419"):
        assert describe_rule(rule) == description


@pytest.mark.parametrize(
    ("language", "monday", "sunday"), [("en", "Monday", "Sunday"), ("es", "lunes", "domingo")]
)
def test_day_names_are_in_the_readers_language(language: str, monday: str, sunday: str) -> None:
    with i18n.language(language):
        assert (day_name(0), day_name(6)) == (monday, sunday)


BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2 March 2026, 08:00 in Berlin.
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "later", "text"),
    [
        ("en", timedelta(hours=1), "today 09:00"),
        ("en", timedelta(days=1, hours=1), "tomorrow 09:00"),
        ("en", timedelta(days=3, hours=1), "Thu 5 Mar 09:00"),
        ("en", timedelta(days=30, hours=1), "Wed 1 Apr 10:00"),  # summer time by then
        ("es", timedelta(hours=1), "hoy a las 09:00"),
        ("es", timedelta(days=1, hours=1), "mañana a las 09:00"),
        ("es", timedelta(days=3, hours=1), "jue, 5 mar a las 09:00"),
        ("es", timedelta(days=6, hours=1), "dom, 8 mar a las 09:00"),
        ("es", timedelta(days=30, hours=1), "mié, 1 abr a las 10:00"),
    ],
)
def test_when_text_uses_the_language_dates(language: str, later: timedelta, text: str) -> None:
    with i18n.language(language):
        assert format_when(NOW + later, BERLIN, NOW) == text


@pytest.mark.parametrize(
    ("language", "names"),
    [("en", ["Mon", "Sat", "Sun"]), ("es", ["lun", "sáb", "dom"])],
)
def test_short_day_names_come_from_babel(language: str, names: list[str]) -> None:
    with i18n.language(language):
        assert [short_day_name(day) for day in (0, 5, 6)] == names
