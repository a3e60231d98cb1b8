"""Relay of the outbox, run by beat every minute."""
from celery import shared_task

from .services import publish_pending


@shared_task(name="outbox.relay", ignore_result=True)
def outbox_relay() -> int:
    # Messages younger than 30 s are still being published by their own on_commit hook.
    return publish_pending(older_than_seconds=30)
