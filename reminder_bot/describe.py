"""Rules and days as friendly sentences for people, in the language of the current update.

Unlike ``reminder_bot.rule_text`` these are not read back: they go through ``_()`` and
``ngettext()``, so a catalogue can word them freely ("every 45 minutes from 09:00 to 17:30,
Monday to Friday").
"""

from __future__ import annotations

from babel.dates import get_day_names
from babel.lists import format_list

from reminder_bot.i18n import _, babel_locale, ngettext
from reminder_bot.rule_text import day_runs, format_time
from reminder_bot.schedule import ALL_DAYS, At, Off, Rule


def day_name(day: int) -> str:
    """A weekday's full name as used inside a sentence: "Monday", "lunes"."""
    return str(get_day_names("wide", context="format", locale=babel_locale())[day])


def short_day_name(day: int) -> str:
    """``Mon`` / ``lun``: a weekday on a button, in the current language (0 = Monday)."""
    return str(get_day_names("abbreviated", context="stand-alone", locale=babel_locale())[day])


def _join(items: list[str]) -> str:
    """A, B and C, with the language's own commas and conjunction."""
    return format_list(items, locale=babel_locale())


def describe_days(days: frozenset[int]) -> str:
    """A friendly, translated phrase: "every day", "Monday to Friday", "Monday and Friday"."""
    if days == ALL_DAYS:
        return _("every day")
    names: list[str] = []
    for first, last in day_runs(days):
        length = (last - first) % 7 + 1
        if length >= 3:
            names.append(_("{first} to {last}").format(first=day_name(first), last=day_name(last)))
        else:
            names.extend(day_name((first + step) % 7) for step in range(length))
    return _join(names)


def _describe_interval(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("every hour", "every {n} hours", hours).format(n=hours)
    return ngettext("every minute", "every {n} minutes", minutes).format(n=minutes)


def describe_rule(rule: Rule) -> str:
    """A friendly, translated sentence: "every 45 minutes from 09:00 to 17:30, Monday to
    Friday"."""
    if isinstance(rule, Off):
        return _("off")
    days = describe_days(rule.days)
    if isinstance(rule, At):
        return _("at {times}, {days}").format(
            times=_join([format_time(value) for value in rule.times]), days=days
        )
    return _("{interval} from {start} to {end}, {days}").format(
        interval=_describe_interval(rule.minutes),
        start=format_time(rule.start),
        end=format_time(rule.end),
        days=days,
    )
