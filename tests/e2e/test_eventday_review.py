"""After-action review in a real browser: a completed event's report (peak against the approved headcount,
incidents by kind), the reviewer's findings with an accountability decision, and the saved review at phone width."""
import pytest
from django.utils import timezone

from eventday import services
from eventday.models import EventTally, IncidentKind, SessionTally
from events.models import AccountabilityRecord, AfterActionReview
from tests import factories
from tests.eventday.factories import district_reviewer, live_event
from tests.support import builder

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reviewer_writes_the_after_action_review_of_a_completed_event(browser_page, live_server):
    page = browser_page
    live = live_event(name="滨湖复盘音乐会", security_company=factories.SecurityCompanyFactory())
    reviewer = district_reviewer(live.application)
    reviewer.username = "reviewer-aftercare"
    reviewer.save()
    kinds = {k.code: k for k in IncidentKind.objects.all()}
    for code in ("dispute_mediated", "dispute_mediated", "fence_climbing"):
        services.incident_record(event=live.event, user=reviewer, kind=kinds[code], occurred_at=timezone.now(),
                                 place="东门", description="情况", outcome="已处置")
    EventTally.objects.update_or_create(event=live.event, defaults={"entries": 3100, "exits": 3100,
                                                                    "peak_occupancy": 3050})
    SessionTally.objects.update_or_create(session=live.event.sessions.get(),
                                          defaults={"entries": 3100, "exits": 3100, "peak_occupancy": 3050})
    builder.builder_for(live.application).completed(by=reviewer)

    login(page, live_server, "reviewer-aftercare", factories.PASSWORD)
    page.goto(f"{live_server.url}/eventday/events/{live.event.pk}/review/")
    assert page.locator("[data-testid=review-peak]").inner_text().replace(",", "") == "3050"
    row = page.locator("[data-testid=review-sessions] tbody tr").first
    assert "超员 50" in row.inner_text()  # 3,050 on site against 3,000 approved
    assert "2起" in page.locator("[data-kind=dispute_mediated]").inner_text()
    page.fill("#id_findings", "峰值超出核准人数50人，东门限流不及时。")
    page.select_option("#id_organizer_rating", "adequate")
    page.select_option("#id_accountability_severity", "warning")
    page.fill("#id_accountability_description", "东门限流不及时")
    page.click("[data-testid=review-form] button[type=submit]")
    page.wait_for_selector("[data-testid=review-record]")
    assert page.locator("[data-testid=organizer-rating]").inner_text() == "基本合格"
    assert "东门限流不及时" in page.locator("[data-testid=review-accountability]").inner_text()
    assert AfterActionReview.objects.get(event=live.event).figures["sessions_over_headcount"] == 1
    assert AccountabilityRecord.objects.filter(event=live.event, severity="warning").exists()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("[data-testid=review-record]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
