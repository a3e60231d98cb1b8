"""The broker (Redis) is down: uploading, submitting and approving still succeed and lose nothing; once it is
back and the relay runs, a real worker sends each email once and renders the PDF once.

Celery points at a loopback port where nothing listens; later a private redis-server starts on that port and
a real worker (threaded, in this process, so the locmem mail outbox is shared) consumes "default" and "pdf".
Everything goes through the HTTP API (the request stack, DRF, the services, on_commit, the outbox).
"""
import time
from collections import Counter

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from approvals.applications.requirements import requirements_for
from approvals.models import Application
from config.celery import app
from notifications.models import Notification
from outbox.models import OutboxMessage
from outbox.services import publish_pending
from plans.models import PlanVersion
from riskassess.models import StaleAssessment
from tests import factories
from tests.conftest import (
    free_port,
    reset_broker_connections,
    start_redis_server,
    wait_until,
)
from tests.plans.factories import fill_application

EMAIL_TASK = "notifications.tasks.notification_email_send"
RENDER_TASK = "plans.tasks.plan_render_task"
REQUEST_TASK = "plans.request"  # the approval queues the plan request; the worker then queues the render
REASSESS_TASK = "approvals.tasks.reassess"

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("redis_server_binary")]


@pytest.fixture
def dead_broker(settings):
    """Celery's broker is a Redis URL on a port where nothing listens (yet): yields the port."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reset_broker_connections(app)
    try:
        yield port
    finally:
        app.conf.update(**old)
        reset_broker_connections(app)


def _post(client, url, data=None, **extra):
    started = time.monotonic()
    response = client.post(url, data or {}, **extra)
    return response, time.monotonic() - started


def test_broker_down_the_work_waits_in_the_outbox_and_runs_once_when_it_is_back(transactional_db, dead_broker,
                                                                                  client):
    organizer = factories.OrganizerUserFactory()
    application = factories.create_application(organizer, venue=factories.VenueFactory(owner=organizer.organisation))
    fill_application(application, organizer)  # sections, parties, the non-deferrable documents
    supervisor = factories.SupervisorFactory(authority=application.district)
    factories.ReviewerFactory(authority=application.district)  # told of the decisions too
    mail.outbox.clear()
    timings = {}

    # --- the broker is down ---------------------------------------------------------------------------------
    client.force_login(organizer)
    deferrable = [d.document_type.code for d in requirements_for(application).deferrable]
    assert deferrable  # fill_application leaves these for the organizer to upload now
    for code in deferrable:
        response, timings[f"upload {code}"] = _post(
            client, reverse("approvals_api:document-list", args=[application.pk]),
            {"document_type": code, "file": factories.pdf_upload(f"{code}.pdf")})
        assert response.status_code == 201, response.content
    response, timings["submit"] = _post(client, reverse("approvals_api:application-submit", args=[application.pk]))
    assert response.status_code == 200, response.content
    application.refresh_from_db()
    assert application.state == "submitted"

    client.force_login(supervisor)
    for action in ("accept", "start-review", "approve"):
        application.refresh_from_db()
        response, timings[action] = _post(client, reverse(f"workflow_api:{action}", args=[application.pk]),
                                          {"expected_revision": application.revision},
                                          content_type="application/json")
        assert response.status_code == 200, (action, response.content)
    application.refresh_from_db()
    assert application.state == Application.State.APPROVED

    # Nothing ran and nothing was lost: every email and the render wait in the outbox.
    emails = Notification.objects.exclude(user__email="")
    assert emails.count() > 0 and not emails.filter(emailed_at__isnull=False).exists()
    assert len(mail.outbox) == 0
    pending = OutboxMessage.objects.filter(published_at__isnull=True)
    waiting = Counter(pending.values_list("task_name", flat=True))
    # Every e-mail, the plan request, and the re-assessments the changes asked for (one per change; the task is
    # idempotent): all waiting, nothing else.
    assert waiting.pop(EMAIL_TASK) == emails.count() and waiting.pop(REQUEST_TASK) == 1, waiting
    assert set(waiting) == {REASSESS_TASK} and pending.count() == OutboxMessage.objects.count()
    # The first failed publish opened the breaker: the rest waited for the relay without paying the broker's
    # connection retries one message at a time inside the requests.
    assert sum(m.attempts for m in pending) == 1 and pending.filter(attempts=1).get().last_error
    assert not PlanVersion.objects.filter(application=application).exists()  # the request runs in the worker

    # --- the broker is back: the relay publishes, a real worker runs everything once --------------------------
    server = start_redis_server(dead_broker)
    try:
        reset_broker_connections(app)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING",
                          queues=["default", "pdf"]):
            relayed = publish_pending()  # what beat's outbox.relay runs (the worker's start-up may beat it to it)

            def latest_plan():
                return PlanVersion.objects.filter(application=application).order_by("-number").first()

            def everything_done() -> bool:
                # The re-assessment waited in the outbox too: when it changes what the plan shows, the queued
                # version is superseded and the current content rendered — users need the one ready PDF.
                plan = latest_plan()  # None until the worker ran the queued plan request
                return plan is not None and plan.status == PlanVersion.Status.READY and \
                    not emails.filter(emailed_at__isnull=True).exists() and \
                    not StaleAssessment.objects.filter(application_id=application.pk).exists()

            wait_until(everything_done, timeout=180, every=0.2,
                       what="the PDF ready, every e-mail sent and the assessment current")
            assert publish_pending() == 0  # nothing is published twice
    finally:
        server.terminate()
        server.wait(10)

    assert relayed >= 0 and not OutboxMessage.objects.filter(published_at__isnull=True).exists()
    assert not emails.filter(emailed_at__isnull=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails.values_list("user__email", flat=True))
    version = latest_plan()
    assert version.status == PlanVersion.Status.READY and version.attempts == 1, (version.status, version.error)
    plans = PlanVersion.objects.filter(application=application)
    assert plans.filter(status=PlanVersion.Status.READY).count() == 1
    assert not plans.exclude(pk=version.pk).exclude(status=PlanVersion.Status.SUPERSEDED).exists()
    print(f"\nbroker down: request seconds {({k: round(v, 2) for k, v in timings.items()})}; "
          f"{pending.model.objects.count()} outbox rows ({emails.count()} emails, 1 PDF, re-assessments) relayed; "
          f"{len(mail.outbox)} emails sent, PDF v{version.number} {version.pages} pages")

