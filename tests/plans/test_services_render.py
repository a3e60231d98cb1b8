"""Rendering a plan version: triggered on approval, once per content version, safe to deliver twice."""
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from approvals.models import AuditEntry
from plans import services
from plans.models import PlanVersion
from plans.tasks import plan_render_task
from tests import factories

from .conftest import pdf_text

Status = PlanVersion.Status


def test_approval_renders_the_plan_and_keeps_its_sha256(approved_rendered):
    application, _people = approved_rendered
    version = PlanVersion.objects.get(application=application)
    assert version.status == Status.READY and version.number == 1
    assert version.trigger == "transition:approve"
    data = version.file.read()
    assert data.startswith(b"%PDF-") and version.size == len(data)
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.pages >= 5


def test_the_pdf_names_the_cjk_font_and_its_text_is_extractable(approved_rendered):
    application, _people = approved_rendered
    version = PlanVersion.objects.get(application=application)
    text = pdf_text(version.file.path)
    assert "大型群众性活动安全工作方案" in text and application.permit.number in text
    assert "第" in text and "页" in text  # the page footer, a margin box with its own font stack


def test_same_content_is_rendered_once(approved_rendered, django_capture_on_commit_callbacks):
    application, people = approved_rendered
    first = PlanVersion.objects.get(application=application)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.plan_request(application=application, user=people["supervisor"])
    assert again.pk == first.pk and callbacks == []
    assert PlanVersion.objects.filter(application=application).count() == 1


def test_new_content_gets_the_next_version_and_supersedes_the_old(approved_rendered,
                                                                  django_capture_on_commit_callbacks):
    application, people = approved_rendered
    first = PlanVersion.objects.get(application=application)
    entry = application.sections.get(section__code="emergency")
    entry.narrative = "增加夜间疏散演练。"
    entry.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.plan_request(application=application, user=people["organizer"])
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.number, second.status) == (2, Status.READY)
    assert first.status == Status.SUPERSEDED and first.file.storage.exists(first.file.name)  # every PDF kept
    assert AuditEntry.objects.filter(application=application, snapshot__plan_version=2).exists()


def test_redelivered_task_after_success_changes_nothing(approved_rendered):
    application, _people = approved_rendered
    version = PlanVersion.objects.get(application=application)
    before = (version.sha256, version.finished_at, version.attempts)
    assert plan_render_task.delay(version.pk).get() == Status.READY
    version.refresh_from_db()
    assert (version.sha256, version.finished_at, version.attempts) == before


def test_worker_killed_mid_render_renders_once_on_redelivery(approved, django_capture_on_commit_callbacks):
    application, people = approved
    with django_capture_on_commit_callbacks(execute=False):
        version = services.plan_request(application=application, user=people["supervisor"])
    # What a killed worker leaves behind: the row claimed, a half-written file, no acknowledgement.
    PlanVersion.objects.filter(pk=version.pk).update(status=Status.RENDERING, attempts=1)
    version.refresh_from_db()
    name = version.file.field.generate_filename(version, "plan.pdf")
    version.file.storage.save(name, ContentFile(b"%PDF-half"))
    plan_render_task.delay(version.pk).get()
    version.refresh_from_db()
    assert version.status == Status.READY and version.attempts == 2
    assert version.file.name == name and version.file.read().startswith(b"%PDF-1")
    assert sorted(version.file.storage.listdir(f"plans/{application.pk}")[1]) == [f"v{version.number}.pdf"]


def test_content_changed_while_queued_supersedes_and_queues_the_current(approved,
                                                                         django_capture_on_commit_callbacks):
    application, people = approved
    with django_capture_on_commit_callbacks(execute=False):
        stale = services.plan_request(application=application, user=people["supervisor"])
    entry = application.sections.get(section__code="traffic")
    entry.narrative = "地铁延长运营至23时。"
    entry.save()
    with django_capture_on_commit_callbacks(execute=True):
        plan_render_task.delay(stale.pk).get()
    stale.refresh_from_db()
    assert stale.status == Status.SUPERSEDED
    current = PlanVersion.objects.get(application=application, number=stale.number + 1)
    assert current.status == Status.READY


@pytest.fixture
def missing_stylesheet(settings, tmp_path):
    settings.STATICFILES_DIRS = [tmp_path]  # plan.css is nowhere: every attempt fails
    settings.STATIC_ROOT = tmp_path / "collected"


def test_failed_attempt_with_retries_left_is_queued_again_with_the_error(approved, missing_stylesheet,
                                                                         django_capture_on_commit_callbacks):
    application, people = approved
    with django_capture_on_commit_callbacks(execute=False):
        version = services.plan_request(application=application, user=people["supervisor"])
    with pytest.raises(Exception):
        plan_render_task.delay(version.pk).get()
    version.refresh_from_db()
    assert version.status == Status.QUEUED and "plan.css" in version.error and "重试" in version.error


def test_last_failed_attempt_marks_the_version_failed(approved, missing_stylesheet,
                                                       django_capture_on_commit_callbacks):
    application, people = approved
    with django_capture_on_commit_callbacks(execute=False):
        version = services.plan_request(application=application, user=people["supervisor"])
    result = plan_render_task.apply(args=[version.pk], retries=plan_render_task.max_retries, throw=False)
    assert result.failed()
    version.refresh_from_db()
    assert version.status == Status.FAILED and "plan.css" in version.error and not version.file


def test_failed_version_is_queued_again_on_regenerate(approved, django_capture_on_commit_callbacks):
    application, people = approved
    with django_capture_on_commit_callbacks(execute=False):
        version = services.plan_request(application=application, user=people["supervisor"])
    PlanVersion.objects.filter(pk=version.pk).update(status=Status.FAILED, error="boom")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.plan_request(application=application, user=people["supervisor"])
    again.refresh_from_db()
    assert again.pk == version.pk and again.status == Status.READY and again.error == ""


def test_draft_gets_no_pdf(organizer):
    draft = factories.create_application(organizer)
    with pytest.raises(ValidationError) as error:
        services.plan_request(application=draft, user=organizer)
    assert "许可后" in str(error.value)


def test_culture_official_may_not_regenerate(approved):
    application, people = approved
    with pytest.raises(PermissionDenied):
        services.plan_request(application=application, user=people["culture"])


def test_only_approvals_trigger_a_render(approved, django_capture_on_commit_callbacks):
    application, _people = approved
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_on_transition(None, application=application, to_state="suspended", transition="suspend")
    assert not PlanVersion.objects.filter(application=application).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_on_transition(None, application=application, to_state="approved", transition="resume")
    assert PlanVersion.objects.get(application=application).status == Status.READY
