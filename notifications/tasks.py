"""Celery tasks of notifications: thin, they call a service."""
from celery import shared_task

from .services import notification_email_deliver


@shared_task(name="notifications.tasks.notification_email_send", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notification_email_send(notification_id: int) -> bool:
    return notification_email_deliver(notification_id=notification_id)
