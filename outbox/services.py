"""Enqueue background work through the outbox so a broker outage never loses it."""
import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue(task, *args, queue: str = "", **kwargs) -> OutboxMessage:
    """Record `task(*args, **kwargs)` in the current transaction; publish it once the transaction commits.

    If the broker is down the row stays pending and the relay (beat, worker start-up, or
    `manage.py outbox_relay`) publishes it later. Arguments must be JSON-serialisable (ids, not objects).
    """
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs, queue=queue)
    transaction.on_commit(partial(publish_message, message.pk))
    return message


def publish_message(message_id: int) -> bool:
    """Publish one pending message; never raises (it runs after commit, inside a request)."""
    from config.celery import app

    try:
        with transaction.atomic():
            message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                       .filter(pk=message_id, published_at__isnull=True).first())
            if message is None:
                return False
            options = {"task_id": f"outbox-{message.pk}"}
            if message.queue:
                options["queue"] = message.queue
            try:
                # A fresh connection per publish: a pooled one may be stale after a broker restart.
                with app.connection_for_write() as connection:
                    app.tasks[message.task_name].apply_async(args=message.args, kwargs=message.kwargs,
                                                             connection=connection, **options)
            except Exception as error:  # broker down, connection refused, timeouts: keep it for the relay
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("outbox: could not publish %s: %s", message, error)
                return False
            message.published_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["published_at", "attempts"])
            return True
    except Exception:  # the database itself failing must not break the request that already committed
        logger.exception("outbox: publishing message %s failed", message_id)
        return False


def publish_pending(*, older_than_seconds: int = 0, limit: int = 1000) -> int:
    """Publish what is still pending (oldest first); returns how many were published."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = list(OutboxMessage.objects.filter(published_at__isnull=True, created_at__lte=cutoff)
                   .order_by("id").values_list("pk", flat=True)[:limit])
    published = 0
    for message_id in pending:
        if publish_message(message_id):
            published += 1
        else:
            break  # the broker is still away: try again at the next relay run
    return published
