"""Enqueue background work through the outbox so a broker outage never loses it."""
import logging
import time
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# After a failed publish, this process leaves new messages to the relay for a while: trying each one would cost
# the broker's connection retries (about 0.65 s a message) inside the request, and an approval tells a dozen
# people. The relay always tries, and a publish that gets through closes the breaker. Keyed by broker URL.
BROKER_RETRY_AFTER_SECONDS = 10.0
_broker_failed_at: dict[str, float] = {}


def enqueue(task, *args, queue: str = "", **kwargs) -> OutboxMessage:
    """Record `task(*args, **kwargs)` in the current transaction; publish it once the transaction commits.

    If the broker is down the row stays pending and the relay (beat, worker start-up, or
    `manage.py outbox_relay`) publishes it later. Arguments must be JSON-serialisable (ids, not objects).
    """
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs, queue=queue)
    transaction.on_commit(partial(publish_message, message.pk))
    return message


def publish_message(message_id: int, *, relay: bool = False) -> bool:
    """Publish one pending message; never raises (it runs after commit, inside a request)."""
    from config.celery import app

    try:
        if app.conf.task_always_eager:
            return _run_in_process(message_id)
        broker = str(app.conf.broker_url)
        failed_at = _broker_failed_at.get(broker)
        if not relay and failed_at is not None and time.monotonic() - failed_at < BROKER_RETRY_AFTER_SECONDS:
            return False  # the broker failed a moment ago: the message waits for the relay
        with transaction.atomic():
            message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                       .filter(pk=message_id, published_at__isnull=True).first())
            if message is None:
                return False
            options = {"task_id": message.task_id}
            if message.queue:
                options["queue"] = message.queue
            try:
                # A fresh connection per publish: a pooled one may be stale after a broker restart.
                with app.connection_for_write() as connection:
                    app.tasks[message.task_name].apply_async(args=message.args, kwargs=message.kwargs,
                                                             connection=connection, **options)
            except Exception as error:  # broker down, connection refused, timeouts: keep it for the relay
                _broker_failed_at[broker] = time.monotonic()
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("outbox: could not publish %s: %s", message, error)
                return False
            _broker_failed_at.pop(broker, None)
            message.published_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["published_at", "attempts"])
            return True
    except Exception:  # the database itself failing must not break the request that already committed
        logger.exception("outbox: publishing message %s failed", message_id)
        return False


def _run_in_process(message_id: int) -> bool:
    """Eager mode (no broker: development, demo, tests): claim the message, then run the task after that
    transaction, as a worker would. Run inside it, the task's transactions would become savepoints holding the
    outbox row and the task's own row locks until the end (a PDF render for seconds), and deadlock with a
    concurrent plan_request at the deferred foreign-key check. A failed run is released for the relay."""
    from config.celery import app

    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, published_at__isnull=True).first())
        if message is None:
            return False
        message.published_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["published_at", "attempts"])
    try:
        app.tasks[message.task_name].apply_async(args=message.args, kwargs=message.kwargs,
                                                 task_id=message.task_id)
    except Exception as error:
        OutboxMessage.objects.filter(pk=message.pk).update(
            published_at=None, last_error=f"{type(error).__name__}: {error}"[:2000])
        logger.warning("outbox: running %s in process failed: %s", message, error)
        return False
    return True


def publish_pending(*, older_than_seconds: int = 0, limit: int = 1000) -> int:
    """Publish what is still pending (oldest first); returns how many were published."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = list(OutboxMessage.objects.filter(published_at__isnull=True, created_at__lte=cutoff)
                   .order_by("id").values_list("pk", flat=True)[:limit])
    published = 0
    for message_id in pending:
        if publish_message(message_id, relay=True):
            published += 1
        else:
            break  # the broker is still away: try again at the next relay run
    return published
