"""Celery tasks of the workflow: thin, they call a service. The registered names stay those of the former
approvals.tasks module (CELERY_BEAT_SCHEDULE and outbox rows refer to them)."""
from celery import shared_task

from .actions import deadlines_enforce


@shared_task(name="approvals.tasks.reassess")
def reassess(application_id: int) -> bool:
    """Re-assess one application marked stale (approvals.risk.reassess_after_commit); idempotent."""
    from ..risk import reassess_pending

    return reassess_pending(application_id)


@shared_task(name="approvals.tasks.deadlines_check")
def deadlines_check() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): deferred-document reminders and suspensions, overdue post-reviews."""
    return deadlines_enforce()
