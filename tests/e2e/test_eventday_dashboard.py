"""Event day in a real browser: the simulator drives the stage front past 95 % through the counting API over
HTTP, the dashboard (htmx polling) shows the alert and the chart, and the district reviewer suspends the event."""
import pytest

from approvals.models import Application
from eventday.models import Alert
from eventday.simulator import simulate_gates
from tests import factories
from tests.eventday.factories import district_reviewer, live_event

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_simulated_crowd_raises_the_alert_and_the_reviewer_suspends_from_the_dashboard(browser_page, live_server):
    page = browser_page
    live = live_event()
    reviewer = district_reviewer(live.application)
    reviewer.username = "reviewer-eventday"
    reviewer.save()
    login(page, live_server, "reviewer-eventday", factories.PASSWORD)
    page.goto(f"{live_server.url}/eventday/events/{live.event.pk}/")
    page.wait_for_selector("[data-testid=zones]")
    assert page.locator("[data-alert-level]").count() == 0

    # Up to the arrival peak before the headliner: the stage front (core) is driven to 97 % of 100 people.
    report = simulate_gates(base_url=live_server.url, token=live.token, speed=0, until="peak", peak=0.97,
                            batch_minutes=15, resend_every=3, first_sequence=1)
    assert not report.refused, report.refused
    assert report.duplicates > 0  # the simulator resent batches; nothing was counted twice
    assert {(a["zone"], a["level"]) for a in report.alerts} >= {("舞台前区", "stop_admission")}
    assert Alert.objects.filter(zone=live.core, level="stop_admission").count() == 1

    # No reload: htmx polls the partial and the alert appears, with the zone bar in red.
    page.wait_for_selector("[data-alert-level=stop_admission]", timeout=60_000)
    row = page.locator("tr[data-zone='舞台前区']")
    assert row.get_attribute("data-level") == "stop_admission"
    assert "bg-danger" in row.locator(".progress-bar").get_attribute("class")
    width = row.locator(".progress-bar").evaluate("bar => bar.style.width")
    assert width.endswith("%") and float(width[:-1]) >= 95
    page.wait_for_selector("#occupancy-chart[data-loaded=true]")

    page.fill("#id_reasons", "舞台前区人数超过安全容量的95%，存在踩踏风险")
    page.fill("#id_required_changes", "舞台前区限流至安全容量80%以下并增派安保力量")
    page.click("[data-testid=suspend-form] button[type=submit]")
    page.wait_for_selector("[data-testid=suspended]")
    assert Application.objects.get(pk=live.application.pk).state == "suspended"

    # The counters are refused from now on.
    after = simulate_gates(base_url=live_server.url, token=live.token, speed=0, until="peak", batch_minutes=60,
                           first_sequence=10_000)
    assert "熔断" in after.refused
