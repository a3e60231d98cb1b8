"""The daily overdue check of the statutory clocks (beat: approvals-clocks-overdue-daily)."""
from celery import shared_task

from .services import clocks_overdue_notify


@shared_task(name="approvals.tasks.clocks_overdue_check")
def clocks_overdue_check() -> int:
    """Tell the officer in charge and the supervisors of every clock overdue today (once per clock)."""
    return clocks_overdue_notify()
