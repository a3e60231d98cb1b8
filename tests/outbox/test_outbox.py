"""The transactional outbox: work is never lost when the broker is down, and runs once it is back."""
import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import transaction

from config.celery import app
from outbox.models import OutboxMessage
from outbox.services import enqueue, publish_pending
from tests.conftest import (
    free_port,
    reset_broker_connections,
    start_redis_server,
    wait_until,
)


@shared_task(name="tests.outbox.count_call")
def count_call(key):
    cache.incr(key) if cache.get(key) is not None else cache.set(key, 1)


def test_enqueued_work_runs_after_commit(db, django_capture_on_commit_callbacks):
    cache.delete("outbox-eager")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            enqueue(count_call, "outbox-eager")
            assert cache.get("outbox-eager") is None  # not before commit
    assert cache.get("outbox-eager") == 1
    assert OutboxMessage.objects.get().published_at is not None


def test_rolled_back_change_enqueues_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                enqueue(count_call, "outbox-rollback")
                raise RuntimeError("the business change failed")
    assert not OutboxMessage.objects.exists()
    assert cache.get("outbox-rollback") is None


@pytest.mark.worker
@pytest.mark.usefixtures("redis_server_binary")
def test_broker_down_keeps_the_work_and_runs_it_once_the_broker_is_back(transactional_db, settings):
    """The broker is a Redis on a port where nothing listens yet; later a real redis-server starts there."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=None)
    reset_broker_connections(app)
    key = f"outbox-down-{port}"
    cache.delete(key)
    server = None
    try:
        with transaction.atomic():
            enqueue(count_call, key)
        # Committed: the on_commit publish failed, the message waits.
        message = OutboxMessage.objects.get()
        assert message.published_at is None and message.attempts == 1
        assert "Error" in message.last_error

        server = start_redis_server(port)
        reset_broker_connections(app)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"):
            assert publish_pending() == 1  # the relay (beat runs it every minute)
            wait_until(lambda: cache.get(key), timeout=60, what="the relayed task running")
            assert publish_pending() == 0  # nothing is published twice
        assert cache.get(key) == 1
        message.refresh_from_db()
        assert message.published_at is not None
    finally:
        app.conf.update(**old)
        reset_broker_connections(app)
        if server:
            server.terminate()
            server.wait(10)
