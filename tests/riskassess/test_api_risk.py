"""Risk API: read for anyone who may see the application, assess and override for the police only."""
import pytest
from rest_framework.test import APIClient

from approvals.risk import bridge as risk
from tests import factories

from .factories import application_with_venue, fill_sections


@pytest.fixture
def application(organizer):
    application = application_with_venue(organizer, expected_attendance=3000)
    fill_sections(application, organizer, security_staff_total=100)
    factories.grant_police_access(application)
    return application


@pytest.fixture
def police(application):
    return factories.ReviewerFactory(authority=application.district)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_get_returns_latest_and_history(organizer, application):
    risk.assess_application(application=application)
    risk.assess_application(application=application, forecast={"max_temperature_c": 30})
    body = api(organizer).get(f"/api/applications/{application.pk}/risk/").json()
    assert body["latest"]["level"] == application.security_level
    assert body["latest"]["forecast"] == {"max_temperature_c": 30.0}
    assert len(body["history"]) == 2
    assert {"dimension", "code", "label", "value", "contribution", "explanation"} <= set(body["latest"]["factors"][0])


def test_get_before_any_assessment(organizer, application):
    body = api(organizer).get(f"/api/applications/{application.pk}/risk/").json()
    assert body == {"latest": None, "history": []}


def test_another_organisation_gets_404(other_organizer, application):
    client = api(other_organizer)
    assert client.get(f"/api/applications/{application.pk}/risk/").status_code == 404
    assert client.post(f"/api/applications/{application.pk}/risk/assess/", {}, format="json").status_code == 404
    assert client.post(f"/api/applications/{application.pk}/risk/override/", {}, format="json").status_code == 404


def test_police_assess_with_a_forecast(police, application):
    response = api(police).post(f"/api/applications/{application.pk}/risk/assess/",
                                {"max_temperature_c": 39, "wind_speed_ms": 20}, format="json")
    assert response.status_code == 201
    wind = next(f for f in response.json()["factors"] if f["code"] == "forecast_wind")
    assert wind["severity"] == 1.0


def test_bad_forecast_is_a_field_level_400(police, application):
    response = api(police).post(f"/api/applications/{application.pk}/risk/assess/", {"wind_speed_ms": -1},
                                format="json")
    assert response.status_code == 400 and "wind_speed_ms" in response.json()


def test_organizer_may_not_assess_or_override(organizer, application):
    client = api(organizer)
    assert client.post(f"/api/applications/{application.pk}/risk/assess/", {}, format="json").status_code == 403
    assert client.post(f"/api/applications/{application.pk}/risk/override/",
                       {"level": "四级", "reason": "x"}, format="json").status_code == 403


def test_police_override(police, application):
    response = api(police).post(f"/api/applications/{application.pk}/risk/override/",
                                {"level": "二级", "reason": "周边同期大型活动"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["level"] == "二级" and body["override_reason"] == "周边同期大型活动"


def test_override_with_unknown_level_is_a_400(police, application):
    response = api(police).post(f"/api/applications/{application.pk}/risk/override/",
                                {"level": "九级", "reason": "x"}, format="json")
    assert response.status_code == 400 and "level" in response.json()


def test_schema_documents_the_risk_endpoints(admin_client):
    schema = admin_client.get("/api/schema/").content.decode()
    assert "/api/applications/{id}/risk/" in schema or "/api/applications/{pk}/risk/" in schema
