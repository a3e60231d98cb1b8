"""Celery task rendering one plan version to PDF on the "pdf" queue (CELERY_TASK_ROUTES); the service does the work.

acks_late + reject_on_worker_lost: a worker killed mid-render gets the task redelivered, and the service makes
the second run produce the PDF once. Failures retry with exponential backoff; the last failure is recorded on
the version so the page can show it.
"""
from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from . import services


def _version_id(args, kwargs) -> int | None:
    return args[0] if args else kwargs.get("version_id")


def _describe(exc) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return f"生成超时（超过 {settings.PLAN_RENDER_SOFT_TIME_LIMIT} 秒）"
    return f"{type(exc).__name__}: {exc}"


class PlanRenderTask(DjangoTask):
    """Also records a failure the task body never saw (the hard time limit kills the worker child)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.plan_render_failed(version_id=_version_id(args, kwargs), error=_describe(exc), final=True)


NOT_RETRIED = (SoftTimeLimitExceeded, ObjectDoesNotExist)


@shared_task(name="plans.request", ignore_result=True)
def plan_request_task(application_id: int, trigger: str = "transition") -> str | None:
    """The plan of an approval (plans.services.plan_on_transition), on the default queue: finds or creates the
    version of the current content and queues its render on the "pdf" queue. Idempotent (by content)."""
    version = services.plan_request_queued(application_id=application_id, trigger=trigger)
    return version.status if version is not None else None


@shared_task(
    base=PlanRenderTask, bind=True, name="plans.tasks.plan_render_task",
    acks_late=True, reject_on_worker_lost=True,
    soft_time_limit=settings.PLAN_RENDER_SOFT_TIME_LIMIT, time_limit=settings.PLAN_RENDER_TIME_LIMIT,
    autoretry_for=(Exception,), dont_autoretry_for=NOT_RETRIED,
    max_retries=3, retry_backoff=5, retry_backoff_max=120, retry_jitter=True,
)
def plan_render_task(self, version_id: int) -> str:
    try:
        return services.plan_render(version_id=version_id).status
    except Exception as exc:
        # Recorded here, not in on_retry/on_failure only: eager runs (demo, tests) skip those hooks.
        final = isinstance(exc, NOT_RETRIED) or self.request.retries >= self.max_retries
        services.plan_render_failed(version_id=version_id, error=_describe(exc), final=final)
        raise
