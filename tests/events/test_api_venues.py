"""The venues API: an organisation's venues, created with their exits; police read their area's venues."""
import pytest
from rest_framework.test import APIClient

from events.models import Venue, VenueExit
from tests import factories


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def district(db):
    return factories.DistrictBureauFactory()


def venue_body(district, **overrides) -> dict:
    body = {"name": "江滨体育场", "address": "江滨路8号", "district": district.pk, "usable_area_m2": 20000,
            "setting": "outdoor", "parking_spaces": 300, "public_transport": True,
            "latitude": "30.123456", "longitude": "120.654321",
            "exits": [{"name": "东门", "width_m": "6.00"}, {"name": "西门台阶", "width_m": "3.5", "kind": "steps"}]}
    body.update(overrides)
    return body


def test_organizer_creates_a_venue_with_its_exits(organizer, district):
    response = client_for(organizer).post("/api/venues/", venue_body(district), format="json")
    assert response.status_code == 201, response.data
    venue = Venue.objects.get(pk=response.data["id"])
    assert venue.owner == organizer.organisation and venue.district == district
    assert [(e.name, str(e.width_m), e.kind) for e in venue.exits.order_by("id")] == [
        ("东门", "6.00", "level"), ("西门台阶", "3.50", "steps")]
    assert [e["name"] for e in response.data["exits"]] == ["东门", "西门台阶"]
    assert response.data["district_name"] == district.name


def test_a_venue_needs_at_least_one_exit(organizer, district):
    response = client_for(organizer).post("/api/venues/", venue_body(district, exits=[]), format="json")
    assert response.status_code == 400 and list(response.data) == ["exits"]
    assert not Venue.objects.exists()


def test_exit_errors_point_at_the_exit_and_field(organizer, district):
    exits = [{"name": "东门", "width_m": "6"}, {"name": "小门", "width_m": "0.2"}]
    response = client_for(organizer).post("/api/venues/", venue_body(district, exits=exits), format="json")
    assert response.status_code == 400
    assert response.json() == {"exits": {"1": {"width_m": ["请确保该值大于或者等于 0.5。"]}}}
    assert not Venue.objects.exists() and not VenueExit.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("usable_area_m2", 0), ("usable_area_m2", -10), ("latitude", "91"), ("setting", "underwater"),
    ("parking_spaces", -1),
])
def test_bad_venue_facts_are_field_errors(organizer, district, field, value):
    response = client_for(organizer).post("/api/venues/", venue_body(district, **{field: value}), format="json")
    assert response.status_code == 400 and list(response.data) == [field]


def test_the_district_must_be_a_district_police_bureau(organizer, district):
    body = venue_body(district)
    body["district"] = district.parent_id
    response = client_for(organizer).post("/api/venues/", body, format="json")
    assert response.status_code == 400 and list(response.data) == ["district"]


def test_organizer_lists_only_its_own_venues(organizer, other_organizer):
    own = factories.VenueFactory(owner=organizer.organisation)
    foreign = factories.VenueFactory(owner=other_organizer.organisation)
    client = client_for(organizer)
    assert [v["id"] for v in client.get("/api/venues/").data["results"]] == [own.pk]
    assert client.get(f"/api/venues/{own.pk}/").status_code == 200
    assert client.get(f"/api/venues/{foreign.pk}/").status_code == 404


def test_police_read_the_venues_of_their_area_and_may_not_create(organizer, district):
    inside = factories.VenueFactory(owner=organizer.organisation, district=district)
    factories.VenueFactory(owner=organizer.organisation)  # another district
    reviewer = factories.ReviewerFactory(authority=district)
    city_reviewer = factories.ReviewerFactory(authority=district.parent)
    assert [v["id"] for v in client_for(reviewer).get("/api/venues/").data["results"]] == [inside.pk]
    assert len(client_for(city_reviewer).get("/api/venues/").data["results"]) == 2
    response = client_for(reviewer).post("/api/venues/", venue_body(district), format="json")
    assert response.status_code == 403
    assert Venue.objects.count() == 2


def test_anonymous_gets_nothing(organizer):
    factories.VenueFactory(owner=organizer.organisation)
    assert client_for().get("/api/venues/").status_code == 403


def test_venue_list_query_count_does_not_grow(organizer, django_assert_num_queries):
    factories.VenueFactory(owner=organizer.organisation)
    client = client_for(organizer)
    client.get("/api/venues/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/api/venues/")
    factories.VenueFactory.create_batch(10, owner=organizer.organisation)
    with CaptureQueriesContext(connection) as eleven:
        assert len(client.get("/api/venues/").data["results"]) == 11
    assert len(eleven) == len(one)
