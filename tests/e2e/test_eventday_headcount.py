"""Event day against the permit in a real browser: 10,747 people counted through the counting API (over HTTP)
against a permit for 8,000. The headline reads 134 % of the approved headcount (the zones' combined capacity
would have said 80 %), the 100 % line names the entrance gates to close, and the reviewer records the tickets
issued on the dashboard. With SCREENSHOTS=1 the dashboard is saved to docs/screenshot-eventday-headcount.png."""
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from eventday.demo import setup_event
from eventday.models import HeadcountAlert
from eventday.simulator import ApiClient
from tests import factories
from tests.eventday.factories import approved_application, district_reviewer

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshot-eventday-headcount.png"


@pytest.fixture
def no_fuse_flags(monkeypatch):
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])


def test_the_dashboard_headline_is_occupancy_against_the_approved_headcount(browser_page, live_server,
                                                                              no_fuse_flags):
    page = browser_page
    application = approved_application(name="滨湖秋夜音乐会", expected_attendance=8000, rated_capacity=12_000,
                                       security_company=factories.SecurityCompanyFactory())
    event = application.event
    token = setup_event(event)  # the demo ground: 13,400 people of zone capacity, three entrance gates
    reviewer = district_reviewer(application)
    reviewer.username = "reviewer-headcount"
    reviewer.save()

    now = timezone.now().isoformat()
    readings = [{"gate": gate, "time": now, "in": count, "out": 0, "sequence": n}
                for n, (gate, count) in enumerate([("east", 4000), ("west", 3747), ("south", 3000),
                                                   ("ticket-1", 3500), ("ticket-2", 3500), ("stage", 2000)], 1)]
    status, answer = ApiClient(live_server.url, token).post_readings(readings)
    assert status == 200, answer
    assert sorted(a["percent"] for a in answer["headcount_alerts"]) == [80, 95, 100]

    login(page, live_server, "reviewer-headcount", factories.PASSWORD)
    page.goto(f"{live_server.url}/eventday/events/{event.pk}/")
    headline = page.locator("[data-testid=headcount]")
    assert headline.locator("[data-testid=headcount-percent]").inner_text() == "134%"
    assert headline.get_attribute("data-colour") == "danger"
    assert "8000" in headline.locator("[data-testid=headcount-occupancy]").inner_text().replace(",", "")
    assert page.locator("[data-testid=headcount-over]").is_visible()
    # The zones' combined capacity is still there, below, and says 80 %.
    assert "（80%）" in page.locator("[data-testid=event-occupancy]").inner_text()
    stop = page.locator("[data-headcount-line='100']")
    assert stop.get_attribute("data-open") == "true"
    assert set(stop.locator("[data-testid=gates-to-close] .badge").all_inner_texts()) == {
        "东门安检口", "西门安检口", "南门安检口"}
    assert HeadcountAlert.objects.filter(event=event).count() == 3

    # Tickets issued, recorded on the dashboard: the entries are read against them.
    assert "—" in page.locator("[data-testid=headcount-entries]").inner_text()
    page.fill("#id_tickets_issued", "9800")
    page.click("[data-testid=tickets-form] button[type=submit]")
    page.wait_for_selector(".alert-success")
    entries = page.locator("[data-testid=headcount-entries]").inner_text().replace(",", "")
    assert "10747" in entries and "9800" in entries

    if os.environ.get("SCREENSHOTS"):
        page.wait_for_selector("#occupancy-chart[data-loaded=true]")
        page.screenshot(path=str(SCREENSHOT), full_page=True)
