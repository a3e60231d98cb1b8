"""Who sees what: district police operate, the organizer and the named security company watch read-only,
everyone else gets 404 (cannot see) or 403 (sees, may not act) on every page and endpoint."""
import pytest
from django.utils import timezone

from eventday.models import Alert, Incident, IncidentKind
from eventday.services import readings_ingest
from tests import factories

from .factories import district_reviewer, live_event, reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    company = factories.SecurityCompanyFactory()
    live = live_event(security_company=company)
    readings_ingest(device=live.device, readings=[reading("east", 1, 200), reading("stage", 2, 90)])
    return live


def company_user(company):
    return factories.UserFactory(organisation=company, role="security_company")


def watchers(live):
    """(user, may_operate) for everyone who may see the event."""
    organizer = live.application.created_by
    return [(district_reviewer(live.application), True), (organizer, False),
            (company_user(live.event.security_company), False)]


def strangers(live):
    return [factories.ReviewerFactory(), factories.OrganizerUserFactory(),
            company_user(factories.SecurityCompanyFactory())]


def read_urls(live):
    pk = live.event.pk
    return [f"/eventday/events/{pk}/", f"/eventday/events/{pk}/live/", f"/api/eventday/events/{pk}/occupancy/",
            f"/api/eventday/events/{pk}/alerts/"]


def test_watchers_see_the_dashboard_and_only_police_get_the_controls(client, live):
    for user, may_operate in watchers(live):
        client.force_login(user)
        for url in read_urls(live):
            assert client.get(url).status_code == 200, (user, url)
        page = client.get(f"/eventday/events/{live.event.pk}/").content.decode()
        assert ('data-testid="suspend-form"' in page) is may_operate
        assert ('data-testid="read-only-note"' in page) is not may_operate


def test_strangers_get_404_on_every_event_page_and_endpoint(client, live):
    pk = live.event.pk
    alert = Alert.objects.filter(zone__event=live.event).first()
    for user in strangers(live):
        client.force_login(user)
        for url in read_urls(live) + [f"/eventday/events/{pk}/incidents/", f"/api/eventday/events/{pk}/incidents/"]:
            assert client.get(url).status_code == 404, (user, url)
        for url in [f"/eventday/events/{pk}/suspend/", f"/eventday/events/{pk}/alerts/{alert.pk}/acknowledge/",
                    f"/api/eventday/events/{pk}/suspend/", f"/api/eventday/events/{pk}/alerts/{alert.pk}/acknowledge/"]:
            assert client.post(url, {"reasons": "x", "required_changes": "y"}).status_code == 404, (user, url)
        assert client.get("/api/eventday/events/").json()["count"] == 0
        assert client.get("/eventday/").content.decode().count(live.event.name) == 0


def test_watchers_who_are_not_police_get_403_on_actions(client, live):
    pk = live.event.pk
    alert = Alert.objects.filter(zone__event=live.event).first()
    for user, may_operate in watchers(live):
        if may_operate:
            continue
        client.force_login(user)
        # The named security company staffs the gates and keeps the incident log with the police (issue 14).
        incidents = 200 if user.organisation_id == live.event.security_company_id else 403
        assert client.get(f"/eventday/events/{pk}/incidents/").status_code == incidents
        assert client.get(f"/api/eventday/events/{pk}/incidents/").status_code == incidents
        assert client.post(f"/eventday/events/{pk}/alerts/{alert.pk}/acknowledge/").status_code == 403
        assert client.post(f"/api/eventday/events/{pk}/alerts/{alert.pk}/acknowledge/").status_code == 403
        assert client.post(f"/eventday/events/{pk}/suspend/", {"reasons": "x", "required_changes": "y"}
                           ).status_code == 403
        assert client.post(f"/api/eventday/events/{pk}/suspend/", {"reasons": "x", "required_changes": "y"}
                           ).status_code == 403
    assert not Alert.objects.filter(acknowledged=True).exists()


def test_the_district_reviewer_acknowledges_an_alert(client, live):
    reviewer = district_reviewer(live.application)
    client.force_login(reviewer)
    alert = Alert.objects.filter(zone__event=live.event, level="warning").get()
    response = client.post(f"/eventday/events/{live.event.pk}/alerts/{alert.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.acknowledged and alert.acknowledged_by == reviewer


def test_the_city_bureau_sees_its_districts_events(client, live):
    city = live.application.district.parent
    supervisor = factories.SupervisorFactory(authority=city)
    client.force_login(supervisor)
    assert client.get(f"/eventday/events/{live.event.pk}/").status_code == 200


def test_police_log_incidents_by_page_and_api(client, live):
    reviewer = district_reviewer(live.application)
    client.force_login(reviewer)
    pk = live.event.pk
    response = client.post(f"/eventday/events/{pk}/incidents/", {
        "kind": IncidentKind.objects.get(code="fence_climbing").pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "zone": live.outer.pk,
        "place": "东侧围栏", "people_involved": 2, "description": "两名观众翻越围栏", "outcome": "带离并批评教育",
        "severity": "major", "status": "resolved"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(f"/api/eventday/events/{pk}/incidents/", {
        "kind": "counter_drone", "occurred_at": timezone.now().isoformat(), "place": "舞台上空",
        "description": "发现一架未报备无人机", "outcome": "反制迫降，机主已查获"}, content_type="application/json")
    assert response.status_code == 201, response.content
    listing = client.get(f"/api/eventday/events/{pk}/incidents/").json()
    assert [row["kind"] for row in listing["results"]] == ["counter_drone", "fence_climbing"]
    assert Incident.objects.filter(event=live.event, recorded_by=reviewer).count() == 2


def test_an_incident_in_another_events_zone_is_refused(client, live):
    other = live_event()
    client.force_login(district_reviewer(live.application))
    response = client.post(f"/api/eventday/events/{live.event.pk}/incidents/", {
        "kind": "help_request", "occurred_at": timezone.now().isoformat(), "zone": other.outer.pk, "place": "x",
        "description": "x", "outcome": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert "zone" in response.json()
