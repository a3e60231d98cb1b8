"""Celery task of the risk bridge: thin, it calls a service. The registered name stays that of the former
approvals.tasks module (outbox rows waiting to be published refer to it)."""
from celery import shared_task


@shared_task(name="approvals.tasks.reassess")
def reassess(application_id: int) -> bool:
    """Re-assess one application marked stale (approvals.risk.bridge.reassess_after_commit); idempotent."""
    from .bridge import reassess_pending

    return reassess_pending(application_id)
