"""The clicks only queue their background work (no PDF, no re-assessment in the request), and signing in
upgrades an old password hash to Argon2."""
import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client, override_settings

from approvals.models import ApplicationState
from outbox.models import OutboxMessage
from plans.models import PlanVersion
from riskassess.models import StaleAssessment
from tests import factories
from tests.conftest import reset_broker_connections
from tests.support.builder import application


@pytest.fixture
def queue_without_worker(transactional_db, settings, tmp_path):
    """Tasks go to a folder of kombu's filesystem transport that nobody consumes (as in the demo before its
    worker takes them): whatever a request did not do itself stays undone."""
    from config.celery import app

    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "result_backend",
                                        "broker_transport_options")}
    folder = str(tmp_path / "queue")
    (tmp_path / "queue").mkdir()
    app.conf.update(task_always_eager=False, broker_url="filesystem://", result_backend=None,
                    broker_transport_options={"data_folder_in": folder, "data_folder_out": folder,
                                              "control_folder": str(tmp_path / "control")})
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reset_broker_connections(app)
    yield tmp_path / "queue"
    app.conf.update(**old)
    reset_broker_connections(app)


def test_approving_queues_the_plan_and_the_reassessment_instead_of_running_them(queue_without_worker):
    builder = application().filled().under_review()
    decider = builder._decider(None)
    approved = builder.build()
    client = Client()
    client.force_login(decider)
    before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = client.post(f"/review/applications/{approved.pk}/act/approve/")

    assert response.status_code == 302 and builder.build().state == ApplicationState.APPROVED
    assert not PlanVersion.objects.filter(application=approved).exists()  # not even requested in the click
    assert StaleAssessment.objects.filter(application=approved).exists()  # the re-assessment waits for a worker
    published = set(OutboxMessage.objects.filter(pk__gt=before, published_at__isnull=False)
                    .values_list("task_name", flat=True))
    assert {"plans.request", "approvals.tasks.reassess"} <= published
    assert list(queue_without_worker.glob("*.msg"))  # on the broker, for the worker


@pytest.mark.django_db
def test_argon2_is_the_hasher_and_an_old_pbkdf2_hash_is_upgraded_at_sign_in():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = factories.ReviewerFactory()
        user.password = make_password(factories.PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        response = Client().post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD})
        assert response.status_code == 302
        user.refresh_from_db()
        assert identify_hasher(user.password).algorithm == "argon2"
