"""The city-level journey in a real browser (Order 505 Art. 12): a 6,000-person application is accepted and
reviewed by the district, reported to the city bureau with the district's opinion, and approved by the city;
the permit names the city bureau and carries its number series. Saves docs/screenshot-permit-city.png."""
import pathlib

import pytest
from django.utils import timezone

from approvals.models import Application, ApplicationState
from events.models import Authority
from tests import factories
from tests.support.builder import application

from .conftest import login
from .test_review_journey import sign_out, state_of, submit_panel_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOT = pathlib.Path(__file__).resolve().parents[2] / "docs" / "screenshot-permit-city.png"


@pytest.fixture
def no_fuse_flags(monkeypatch):
    # The risk model's hard rules are its own tests'; this journey is about who decides.
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])


def test_the_district_reviews_and_reports_and_the_city_approves_in_its_own_name(browser_page, live_server,
                                                                              no_fuse_flags):
    page = browser_page
    city = Authority.objects.create(name="江城市公安局", kind="police", level="city", abbreviation="江公")
    district = Authority.objects.create(name="江城市湖滨区公安分局", kind="police", level="district", parent=city,
                                        abbreviation="湖公")
    organizer = factories.OrganizerUserFactory(username="organizer-city", full_name="王主办")
    venue = factories.VenueFactory(district=district, owner=organizer.organisation, name="江城奥体中心",
                                   usable_area_m2=40000)
    app = application(organizer, venue=venue, name="江城跨年音乐会", expected_attendance=6000,
                      rated_capacity=8000).submitted().build()
    factories.ReviewerFactory(username="district-e2e", full_name="刘警官", authority=district)
    factories.SupervisorFactory(username="city-e2e", full_name="吴处长", authority=city)
    detail = f"{live_server.url}/applications/{app.pk}/"

    # The district accepts and reviews; approving is not its to do: the panel offers 报市局审批 instead.
    login(page, live_server, "district-e2e", factories.PASSWORD)
    page.goto(detail)
    submit_panel_form(page, "accept")
    submit_panel_form(page, "start_review")
    assert state_of(page) == "审查中"
    assert page.locator("#workflow-panel form[data-action=approve]").count() == 0
    assert "市公安局" in page.locator("[data-withheld=approve]").inner_text()
    submit_panel_form(page, "report_to_city", opinion="经实地核查，安保力量和疏散方案符合要求，分局同意举办，报请市局审批。")
    assert state_of(page) == "待市局决定"
    assert "分局同意举办" in page.locator("[data-testid=city-report]").inner_text()
    sign_out(page)

    # The city bureau's supervisor reads the district's opinion and approves.
    login(page, live_server, "city-e2e", factories.PASSWORD)
    page.goto(detail)
    assert "分局同意举办" in page.locator("[data-testid=city-report]").inner_text()
    submit_panel_form(page, "approve")
    assert state_of(page) == "已许可"
    page.click("[data-testid=permit-link]")
    year = timezone.localdate().year
    assert page.locator("[data-testid=permit-authority]").inner_text() == "江城市公安局"
    assert page.locator("[data-testid=permit-number]").inner_text() == f"江公安许〔{year}〕第1号"
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    sign_out(page)

    # The district reads the city's decision.
    login(page, live_server, "district-e2e", factories.PASSWORD)
    page.goto(detail)
    assert state_of(page) == "已许可"
    app = Application.objects.get(pk=app.pk)
    assert app.state == ApplicationState.APPROVED and app.permit.authority == city
    transitions = list(app.audit_entries.exclude(transition="").values_list("transition", flat=True))
    assert transitions == ["submit", "accept", "start_review", "report_to_city", "approve"]
