"""Celery task of the workflow: thin, it calls a service. The registered name stays that of the former
approvals.tasks module (CELERY_BEAT_SCHEDULE refers to it)."""
from celery import shared_task

from .actions import deadlines_enforce


@shared_task(name="approvals.tasks.deadlines_check")
def deadlines_check() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): deferred-document reminders and suspensions, overdue post-reviews."""
    return deadlines_enforce()
