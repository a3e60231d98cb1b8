"""Plan tests: an approved application, PDF text extraction, and a real worker that also consumes "pdf"."""
import os
import subprocess

import pytest

from .factories import approved_application


@pytest.fixture
def approved(db, django_capture_on_commit_callbacks):
    """(application, people): approved through the real workflow; after-commit work (risk re-assessment,
    notifications, the plan render) not run."""
    with django_capture_on_commit_callbacks(execute=False):
        application, people = approved_application()
    return application, people


@pytest.fixture
def approved_rendered(db, django_capture_on_commit_callbacks):
    """(application, people): approved, with everything after commit run: the approval rendered plan v1."""
    with django_capture_on_commit_callbacks(execute=True):
        application, people = approved_application()
    return application, people


def pdf_text(path) -> str:
    """The text of a PDF as a reader's copy-paste would get it (poppler's pdftotext)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def pdf_worker_over_redis(transactional_db, settings):
    """Like tests/conftest.py's celery_worker_over_redis, but consuming the "pdf" queue as well."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: the worker tests need the machine's Redis.")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING",
                          queues=["default", "pdf"]) as worker:
            yield worker
    finally:
        app.conf.update(**old)


@pytest.fixture
def with_plan(approved):
    """(application, people) with a ready plan version v1 stored (no render: pages and API tests)."""
    from .factories import ready_version

    application, people = approved
    ready_version(application)
    return application, people
