"""Derived state after commit: an upload or a section edit re-assesses through the outbox (an idempotent task),
a draft's repeated edits add a history row only when the result changes, a failed re-assessment is recorded
and shown, and a section save stays within a fixed number of queries."""
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.risk import bridge as risk
from approvals.applications import services
from approvals.risk.tasks import reassess
from outbox.models import OutboxMessage
from riskassess.models import Assessment, StaleAssessment
from tests import factories

from .factories import application_with_venue, fill_sections

pytestmark = pytest.mark.django_db
STAFFED = {"security_staff_total": 200, "fixed_posts": 3, "patrol_posts": 5, "mobile_points": 5}


@pytest.fixture
def application(organizer):
    application = application_with_venue(organizer, expected_attendance=3000, rated_capacity=8000)
    fill_sections(application, organizer, **STAFFED)
    return application


def save_staff(application, organizer, total):
    services.section_save(application=application, user=organizer, section_code="security_staff",
                          raw_data={**STAFFED, "security_staff_total": total}, narrative="")


def test_a_section_save_enqueues_the_reassessment_and_stays_within_ten_queries(
        organizer, application, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    OutboxMessage.objects.all().delete()
    with django_assert_max_num_queries(10):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            save_staff(application, organizer, 180)
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args) == ("approvals.tasks.reassess", [application.pk])
    assert StaleAssessment.objects.filter(application=application).exists()
    for callback in callbacks:  # after commit: the outbox runs the task (eager in tests)
        callback()
    assert not StaleAssessment.objects.filter(application=application).exists()
    assert risk.latest_assessment(application).deployment["planned"]["security_staff"] == 180


def test_uploading_a_document_reassesses_after_commit(organizer, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.document_upload(application=application, user=organizer, document_type_code="event_plan",
                                 uploaded=factories.pdf_upload("plan.pdf"))
    assert risk.latest_assessment(application).trigger == "change:document"
    assert not StaleAssessment.objects.filter(application=application).exists()


def test_a_drafts_repeated_edits_add_a_history_row_only_when_the_result_changes(
        organizer, application, django_capture_on_commit_callbacks):
    Assessment.objects.filter(application=application).delete()
    for total in (150, 150, 150, 150, 150):
        with django_capture_on_commit_callbacks(execute=True):
            save_staff(application, organizer, total)
    assert Assessment.objects.filter(application=application).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        save_staff(application, organizer, 5)
    assert Assessment.objects.filter(application=application).count() == 2


def test_the_task_is_idempotent(organizer, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_staff(application, organizer, 120)
    rows = Assessment.objects.filter(application=application).count()
    assert reassess(application.pk) is False  # nothing stale: a second delivery does nothing
    assert Assessment.objects.filter(application=application).count() == rows


def test_a_failed_reassessment_is_logged_kept_stale_and_shown(organizer, application, monkeypatch, caplog,
                                                              django_capture_on_commit_callbacks, client):
    def broken(*args, **kwargs):
        raise RuntimeError("model unavailable")

    monkeypatch.setattr(risk, "assess_applications", broken)
    with caplog.at_level(logging.ERROR, logger="approvals.risk"):
        with django_capture_on_commit_callbacks(execute=True):
            save_staff(application, organizer, 90)
    marker = StaleAssessment.objects.get(application=application)
    assert marker.attempts == 1 and marker.failed_at is not None and "model unavailable" in marker.error
    assert "Risk re-assessment of application" in caplog.text
    # The outbox keeps the message for the relay (not marked published), so the task runs again.
    assert OutboxMessage.objects.filter(task_name="approvals.tasks.reassess", published_at__isnull=True).exists()

    monkeypatch.undo()
    police = factories.ReviewerFactory(authority=application.district)
    factories.grant_police_access(application)
    client.force_login(police)
    page = client.get(reverse("risk:detail", args=[application.pk])).content.decode()
    assert 'data-testid="assessment-stale"' in page and "重新评估失败" in page
    assert reassess(application.pk) is True
    assert not StaleAssessment.objects.filter(application=application).exists()
    assert timezone.now() >= marker.requested_at
