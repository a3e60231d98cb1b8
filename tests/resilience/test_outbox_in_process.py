"""Without a broker (eager mode) the outbox runs a task after its own transaction, as a worker would.

Run inside the outbox's row-lock transaction, a task's transactions became savepoints: a PDF render held its
plan rows for seconds and deadlocked with a concurrent plan_request at the deferred foreign-key check
(found by test_concurrency with plan renders on: "deadlock detected ... FOR KEY SHARE OF approvals_application").
"""
import pytest
from celery import shared_task
from django.core.cache import cache
from django.db import connection, transaction

from outbox.models import OutboxMessage
from outbox.services import enqueue, publish_pending


@shared_task(name="tests.resilience.record_transaction_state")
def record_transaction_state(key):
    cache.set(key, "inside a transaction" if connection.in_atomic_block else "autocommit")


@shared_task(name="tests.resilience.fail_once")
def fail_once(key):
    if cache.get(key) is None:
        cache.set(key, "failed")
        raise OSError("mail server unreachable")
    cache.set(key, "ran")


@pytest.mark.django_db(transaction=True)
def test_an_in_process_task_runs_after_the_outbox_transaction_not_inside_it():
    cache.delete("tx-state")
    with transaction.atomic():
        enqueue(record_transaction_state, "tx-state")
    assert cache.get("tx-state") == "autocommit"
    assert OutboxMessage.objects.get().published_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_in_process_task_that_fails_stays_pending_for_the_relay():
    cache.delete("fail-once")
    with transaction.atomic():
        enqueue(fail_once, "fail-once")
    message = OutboxMessage.objects.get()
    assert message.published_at is None and "mail server unreachable" in message.last_error
    assert publish_pending() == 1
    assert cache.get("fail-once") == "ran"
    message.refresh_from_db()
    assert message.published_at is not None and message.attempts == 2
