"""The clocks' background work (beat: approvals-clocks-overdue-daily, approvals-clocks-refresh-daily)."""
from celery import shared_task

from .services import clocks_overdue_notify, refresh_next_deadlines


@shared_task(name="approvals.tasks.clocks_overdue_check")
def clocks_overdue_check() -> int:
    """Tell the officer in charge and the supervisors of every clock overdue today (once per clock), and the
    department and the reviewer of every opinion overdue (approvals.opinions, once per request and due date)."""
    from ..opinions.services import opinions_overdue_notify

    return clocks_overdue_notify() + opinions_overdue_notify()


@shared_task(name="approvals.tasks.clocks_refresh")
def clocks_refresh() -> int:
    """Recompute every open application's stored next deadline (after a calendar or policy edit, and daily)."""
    return refresh_next_deadlines()
