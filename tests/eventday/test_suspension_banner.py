"""A suspension (熔断) seen by everyone: a red banner with the reasons and required changes on every page of the
application and on each role's landing page (organizer, reviewer, security company, culture official), a link
to where the reviewer resumes, and an urgent notification that reaches the security company too."""
import pytest
from django.core import mail

from approvals import workflow
from notifications.models import Notification
from tests import factories
from tests.support import builder

pytestmark = pytest.mark.django_db

REASONS = "舞台前区人数超过安全容量，存在踩踏风险"
CHANGES = "舞台前区限流至安全容量80%以下并增派安保力量"
BANNER = 'data-testid="suspension-banner"'


@pytest.fixture
def suspended(no_fuse_flags):
    """A permitted festival with a culture official and a security company, suspended by the district."""
    company = factories.SecurityCompanyFactory()
    made = (builder.application(has_performances=True, security_company=company).with_lineup(bands=1, songs=1)
            .filled().submitted().accepted().vetted().under_review().approved())
    guard = factories.UserFactory(organisation=company, role="security_company")
    made.suspended(reasons=REASONS, required_changes=CHANGES)
    return made, guard


@pytest.fixture
def no_fuse_flags(monkeypatch):
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_banner(html: str, application, *, resume: bool = False):
    assert html.count(BANNER) == 1
    assert f'data-application="{application.pk}"' in html
    assert REASONS in html and CHANGES in html
    assert application.event.name in html
    if resume:
        assert f'href="/applications/{application.pk}/#workflow-panel" data-testid="suspension-resume-link"' in html


def test_the_organizer_sees_the_banner_on_its_list_and_every_page_of_the_application(client, suspended):
    made, _guard = suspended
    application, organizer = made.build(), made.people["organizer"]
    pk = application.pk
    for url in ("/applications/", f"/applications/{pk}/", f"/applications/{pk}/sections/",
                f"/applications/{pk}/documents/", f"/applications/{pk}/parties/", f"/applications/{pk}/lineup/",
                f"/review/applications/{pk}/permit/", f"/eventday/", f"/eventday/events/{application.event_id}/"):
        assert_banner(page(client, organizer, url), application)


def test_the_reviewer_sees_it_in_the_inbox_and_the_banner_leads_to_the_resume_form(client, suspended):
    made, _guard = suspended
    application, reviewer = made.build(), made.people["reviewer"]
    assert_banner(page(client, reviewer, "/applications/inbox/"), application, resume=True)
    detail = page(client, reviewer, f"/applications/{application.pk}/")
    assert_banner(detail, application, resume=True)
    assert 'id="workflow-panel"' in detail and 'data-action="resume"' in detail  # where the link lands
    assert_banner(page(client, reviewer, f"/review/applications/{application.pk}/history/"), application)
    assert_banner(page(client, reviewer, f"/eventday/events/{application.event_id}/"), application, resume=True)

    # Resumed from there: back where it was, and the banner is gone everywhere.
    workflow.application_resume(application=application, actor=reviewer, changes_made="已限流并增派安保力量")
    application.refresh_from_db()
    assert application.state == "approved"
    assert BANNER not in page(client, reviewer, "/applications/inbox/")
    assert BANNER not in page(client, made.people["organizer"], f"/applications/{application.pk}/")


def test_the_security_company_sees_it_on_its_pages(client, suspended):
    made, guard = suspended
    application = made.build()
    for url in ("/applications/", "/eventday/", f"/eventday/events/{application.event_id}/",
                f"/eventday/companies/{guard.organisation_id}/"):
        assert_banner(page(client, guard, url), application)


def test_the_culture_official_sees_it_on_the_vetting_list(client, suspended):
    made, _guard = suspended
    application = made.build()
    culture = made.people["culture"]
    assert_banner(page(client, culture, "/review/vetting/"), application)
    assert_banner(page(client, culture, f"/review/vetting/{application.pk}/"), application)


def test_nobody_else_sees_it_and_a_permit_in_force_has_no_banner(client, suspended):
    made, _guard = suspended
    other = factories.OrganizerUserFactory()
    assert BANNER not in page(client, other, "/applications/")
    running = builder.application(made.people["organizer"]).approved().build()
    html = page(client, made.people["organizer"], f"/applications/{running.pk}/")
    assert BANNER not in html  # its own page shows only its own suspension: none


def test_the_suspension_is_an_urgent_notification_that_reaches_the_security_company(
        client, no_fuse_flags, django_capture_on_commit_callbacks):
    company = factories.SecurityCompanyFactory()
    made = builder.application(security_company=company).approved()
    guard = factories.UserFactory(organisation=company, role="security_company")
    organizer = made.people["organizer"]
    with django_capture_on_commit_callbacks(execute=True):
        made.suspended(reasons=REASONS, required_changes=CHANGES)
    application = made.build()

    told = Notification.objects.filter(application=application, verb="suspend", user=organizer).get()
    assert told.priority == Notification.Priority.HIGH
    notice = Notification.objects.filter(application=application, user=guard).get()
    assert (notice.verb, notice.priority) == ("suspension_notice", Notification.Priority.HIGH)
    assert REASONS in notice.message and CHANGES in notice.message
    # The organizer, already told by the workflow, is not told twice.
    assert not Notification.objects.filter(user=organizer, verb="suspension_notice").exists()
    assert any(m.subject.startswith("【紧急】") and m.to == [guard.email] for m in mail.outbox)
    assert mail.outbox[0].extra_headers.get("Importance") == "high"

    # Shown distinctly: urgent first glance in the list, and counted apart in the nav badge.
    html = page(client, guard, "/notifications/")
    assert 'data-priority="high"' in html and 'data-testid="urgent"' in html
    assert 'data-testid="urgent-count"' in page(client, guard, "/notifications/unread-badge/")
    routine = Notification.objects.filter(verb="approve", user=organizer).first()
    assert routine is not None and routine.priority == Notification.Priority.NORMAL
