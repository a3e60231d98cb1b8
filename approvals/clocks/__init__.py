"""Statutory clocks: working days with the holiday calendar, the acceptance and decision clocks, pauses and
extensions. Other packages call only the functions exported here."""


def add_working_days(start, days: int, *, authority=None):
    """The date `days` working days after `start` (start not counted), by `authority`'s calendar.

    Stub until the holiday calendar lands: Mon–Fri only."""
    from ..workflow.deadlines import add_working_days as weekdays_only

    return weekdays_only(start, days)
