"""An instant as the user reads it in a reply: 'today 14:30', 'tomorrow 09:00',
'Mon 3 Mar 09:00' ('lun, 3 mar 09:00' in Spanish: Babel's names and order for the language)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from babel.dates import format_skeleton

from reminder_bot.i18n import _, babel_locale


def format_when(when: datetime, zone: tzinfo, now: datetime) -> str:
    """``when`` in ``zone``, as close to ``now`` as the words allow."""
    local = when.astimezone(zone)
    today = now.astimezone(zone).date()
    time = f"{local:%H:%M}"  # 24-hour, as the commands take times, in every language
    if local.date() == today:
        return _("today {time}").format(time=time)
    if local.date() == today + timedelta(days=1):
        return _("tomorrow {time}").format(time=time)
    # The abbreviated weekday, day and month in the language's order: "Mon 3 Mar".
    date = format_skeleton("MMMEd", local, locale=babel_locale())
    return _("{date} {time}").format(date=date, time=time)
