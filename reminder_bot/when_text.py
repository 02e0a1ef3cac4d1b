"""An instant as the user reads it in a reply: 'today 14:30', 'tomorrow 09:00',
'Mon 3 Mar 09:00'."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from reminder_bot.i18n import N_, _

WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTH_NAMES = (
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
)  # fmt: skip


def format_when(when: datetime, zone: tzinfo, now: datetime) -> str:
    """``when`` in ``zone``, as close to ``now`` as the words allow."""
    local = when.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        return _("today {time}").format(time=f"{local:%H:%M}")
    if local.date() == today + timedelta(days=1):
        return _("tomorrow {time}").format(time=f"{local:%H:%M}")
    weekday = _(WEEKDAY_NAMES[local.weekday()])
    month = _(MONTH_NAMES[local.month - 1])
    return f"{weekday} {local.day} {month} {local:%H:%M}"
