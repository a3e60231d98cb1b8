"""The live heat map in a real browser: an event drawn on a site plan (tests.eventday.plan_world: the lawn in
the warning area, the stage pit in the core, entered from the lawn), its event day set up from the drawing, the
simulator's readings sent over HTTP to the counting API. The zones start calm; the first replay (to 70 % of the
pit's capacity, 59.5 % of the lawn's) turns the pit busy and leaves the lawn calm; the second pushes both past
95 %: full. Each change is seen by the dashboard's own polling (waited for with a deadline), in the fill colour
and in the words written in the zone and below the map."""
import pytest
from playwright.sync_api import expect

from eventday.bands import COLOURS, LABELS
from eventday.demo import setup_event
from eventday.simulator import simulate_gates
from tests import factories
from tests.eventday.factories import district_reviewer
from tests.eventday.plan_world import planned_application

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def no_fuse_flags(monkeypatch):
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])


def _expect_band(page, key, band):
    zone = page.locator(f"[data-testid=heat-map] polygon[data-key='{key}']")
    expect(zone).to_have_attribute("data-band", band)
    expect(zone).to_have_attribute("fill", COLOURS[band])
    expect(page.locator(f"[data-zone-key='{key}'] [data-testid=band-label]")).to_have_text(str(LABELS[band]))
    expect(page.locator(f"[data-testid=heat-map] text.zone-label[data-key='{key}']").nth(1)).to_contain_text(
        str(LABELS[band]))


def test_the_simulator_s_readings_colour_the_zones_and_the_colour_follows_the_band(browser_page, live_server,
                                                                                   no_fuse_flags):
    page = browser_page
    application = planned_application(expected_attendance=8000, rated_capacity=40_000,
                                      security_company=factories.SecurityCompanyFactory())
    token = setup_event(application.event)  # zones and gates from the drawing
    reviewer = district_reviewer(application)
    reviewer.username = "reviewer-heatmap"
    reviewer.save()

    login(page, live_server, "reviewer-heatmap", factories.PASSWORD)
    page.goto(f"{live_server.url}/eventday/events/{application.event.pk}/")
    expect(page.locator("[data-testid=heat-map] svg")).to_be_visible()
    _expect_band(page, "pit", "calm")
    _expect_band(page, "lawn", "calm")
    assert page.locator("[data-testid=heat-map] .gate-flow").count() == 3  # west, south, the pit's gate

    first = simulate_gates(base_url=live_server.url, token=token, speed=0, until="peak", peak=0.7,
                           batch_minutes=15, resend_every=0)
    assert not first.refused and first.accepted
    _expect_band(page, "pit", "busy")  # 70 % of the core's capacity
    _expect_band(page, "lawn", "calm")  # 59.5 %

    second = simulate_gates(base_url=live_server.url, token=token, speed=0, until="peak", peak=0.97,
                            batch_minutes=15, resend_every=0)
    assert not second.refused
    _expect_band(page, "pit", "full")
    _expect_band(page, "lawn", "full")
    expect(page.locator("[data-testid=zones] tr[data-band='full']")).to_have_count(2)
