"""The demo's background work: a real `celery worker` process over kombu's filesystem transport (no Redis), with
config/settings/local.py as scripts/demo.sh starts it. An approval clicked in the portal only queues its work: the
worker process re-assesses the risk and renders the plan PDF."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from approvals.models import ApplicationState
from outbox.models import OutboxMessage
from plans.models import PlanVersion
from riskassess.models import StaleAssessment
from tests.conftest import require_postgresql, reset_broker_connections, wait_until
from tests.support.builder import application

pytestmark = [pytest.mark.worker, pytest.mark.postgres]
REPO = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = (s.get("USER") or "postgres") + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def filesystem_worker(transactional_db, settings, tmp_path):
    """`celery -A config worker -Q default,pdf` in its own process on the test database, and this process
    publishing to the same folder of the filesystem transport (not eager). Yields the worker's log file."""
    require_postgresql("the worker process needs a database it can reach")
    from config.celery import app

    folder = tmp_path / "broker"
    log = tmp_path / "worker.log"
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "PYTEST_XDIST_WORKER")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=_database_url(), DEBUG="false",
               CELERY_FILESYSTEM_FOLDER=str(folder), MEDIA_ROOT=str(settings.MEDIA_ROOT), LOG_LEVEL="WARNING",
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "-Q", "default,pdf", "-P", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO", "--logfile", str(log)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "result_backend",
                                        "broker_transport_options")}
    queue = str(folder / "queue")
    app.conf.update(task_always_eager=False, broker_url="filesystem://", result_backend=None,
                    broker_transport_options={"data_folder_in": queue, "data_folder_out": queue,
                                              "control_folder": str(folder / "control")})
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reset_broker_connections(app)
    try:
        wait_until(lambda: log.exists() and " ready." in log.read_text(errors="replace"), timeout=120,
                   what="the worker starting")
        yield log
    finally:
        worker.terminate()
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)
        app.conf.update(**old)
        reset_broker_connections(app)


def test_an_approval_queues_its_work_and_the_worker_process_renders_the_plan(filesystem_worker):
    builder = application().filled().under_review()
    decider = builder._decider(None)
    approved = builder.build()
    client = Client()
    client.force_login(decider)
    first_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = client.post(f"/review/applications/{approved.pk}/act/approve/")

    assert response.status_code == 302
    assert builder.build().state == ApplicationState.APPROVED
    # The click queued the plan and the re-assessment (published to the filesystem broker after commit) ...
    queued = set(OutboxMessage.objects.filter(pk__gt=first_message, published_at__isnull=False)
                 .values_list("task_name", flat=True))
    assert {"plans.request", "approvals.tasks.reassess"} <= queued
    # ... and the worker process, the only one consuming, rendered the PDF and re-assessed.
    version = wait_until(lambda: PlanVersion.objects.filter(application=approved,
                                                            status=PlanVersion.Status.READY).first(),
                         timeout=180, what="the worker rendering the plan PDF")
    assert Path(version.file.path).read_bytes().startswith(b"%PDF")
    wait_until(lambda: not StaleAssessment.objects.filter(application=approved).exists(), timeout=120,
               what="the worker re-assessing the risk")
    log = filesystem_worker.read_text(errors="replace")
    assert "plans.tasks.plan_render_task" in log and "succeeded" in log
