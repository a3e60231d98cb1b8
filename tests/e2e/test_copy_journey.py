"""以此为模板新建 in a real browser: the organizer opens last year's festival, copies it with new dates, and the
new draft shows the sections and the site plan and nothing of the review (草稿, no permit)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals.models import Application
from events.models import Event, EventSession
from siteplan.models import SitePlan
from tests import factories
from tests.siteplan.test_api import GOOD

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_organizer_copies_last_years_festival(browser_page, live_server):
    organizer = factories.OrganizerUserFactory(username="copy-org")
    source = factories.submitted_application(organizer)
    SitePlan.objects.create(application=source, features=GOOD, width_m=120, height_m=150)
    # Last year's: the same festival a year back.
    EventSession.objects.filter(event=source.event).update(start_at=source.event.start_at - timedelta(days=400),
                                                           end_at=source.event.end_at - timedelta(days=400))
    Event.objects.filter(pk=source.event_id).update(start_at=source.event.start_at - timedelta(days=400),
                                                    end_at=source.event.end_at - timedelta(days=400))
    narrative = source.sections.exclude(narrative="").first()
    page = browser_page
    login(page, live_server, "copy-org", factories.PASSWORD)
    page.goto(f"{live_server.url}/applications/{source.pk}/")
    page.get_by_test_id("copy-application").click()
    start = timezone.localtime() + timedelta(days=50)
    page.locator("input[name=first_start]").fill(start.strftime("%Y-%m-%dT19:00"))
    page.locator("input[name=first_end]").fill(start.strftime("%Y-%m-%dT23:00"))
    page.get_by_role("button", name="新建草稿").click()
    page.wait_for_url(lambda url: f"/applications/{source.pk}/" not in url)
    new = Application.objects.exclude(pk=source.pk).get()
    expect(page.locator("body")).to_contain_text("草稿")
    expect(page.locator("body")).to_contain_text(start.strftime("%Y-%m-%d 19:00"))
    # Nothing of the source's review: no permit or plan to download (the stepper only names the permit to come).
    expect(page.locator("a[href*='/permit/']")).to_have_count(0)
    expect(page.locator("[data-step='apply']")).to_have_attribute("data-status", "current")
    assert not hasattr(new, "permit") or not Application.objects.filter(pk=new.pk, permit__isnull=False).exists()
    page.goto(f"{live_server.url}/applications/{new.pk}/sections/")
    if narrative is not None:
        expect(page.locator("body")).to_contain_text(narrative.narrative[:20])
    page.goto(f"{live_server.url}/applications/{new.pk}/siteplan/")
    expect(page.get_by_test_id("siteplan-item")).to_have_count(len(GOOD["features"]))
