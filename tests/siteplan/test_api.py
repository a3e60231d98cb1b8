"""The site plan through the API: a drawing saved with its figures; bad input refused on the item that is wrong
with the saved plan untouched; only the applicant, only while it may edit; the police read it."""
import pytest
from rest_framework.test import APIClient

from siteplan.models import SitePlan
from tests import factories
from tests.support.builder import application, reviewer_for

pytestmark = pytest.mark.django_db

FIELD = [[0, 0], [100, 0], [100, 120], [0, 120], [0, 0]]


def zone(key, ring, kind="audience", name="主观众区"):
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"kind": kind, "key": key, "name": name}}


def gate(key, a, b, width=6, **props):
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [a, b]},
            "properties": {"kind": "gate", "key": key, "width_m": width, **props}}


def drawing(*features):
    return {"type": "FeatureCollection", "features": list(features)}


GOOD = drawing(zone("field", FIELD), gate("south", [47, 0], [53, 0]), gate("north", [47, 120], [53, 120]))


def put(client, app, features, **extra):
    return client.put(f"/api/applications/{app.pk}/siteplan/", {"features": features, **extra}, format="json")


@pytest.fixture
def draft():
    return application().build()


def organizer_client(app):
    client = APIClient()
    client.force_authenticate(app.created_by)
    return client


def test_a_drawing_is_saved_with_its_figures(draft):
    client = organizer_client(draft)
    response = put(client, draft, GOOD)
    assert response.status_code == 200, response.json()
    figures = response.json()["figures"]
    # 12,000 m² at 2/m² = 24,000; two 6 m exits, the larger left out: 6 × 82 × 8 min = 3,936.
    assert figures["zones"][0]["capacity_by_area"] == 24_000
    assert figures["zones"][0]["capacity"] == 3_936
    assert figures["exits"] == 2
    kinds = [p["kind"] for p in figures["required_posts"]]
    assert kinds.count("fixed") == 2 and kinds.count("mobile") >= 5 and kinds.count("command") == 1
    assert figures["shortfall"]["mobile"] >= 5  # nothing drawn yet
    assert client.get(f"/api/applications/{draft.pk}/siteplan/").json()["revision"] == 1


@pytest.mark.parametrize("features, where", [
    (drawing(zone("bow", [[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]])), "features[0].geometry"),
    (drawing(zone("open", [[0, 0], [10, 0], [10, 10], [0, 10]])), "features[0].geometry"),
    (drawing(zone("field", FIELD), gate("g", [150, 150], [155, 150])), "features[1].geometry"),  # outside
    (drawing(zone("field", FIELD), gate("g", [47, 0], [53, 0], width=0)), "features[1].properties.width_m"),
    (drawing(zone("field", [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]), gate("g", [50, 50], [55, 50])),
     "features[1].geometry"),  # a gate on no zone's edge
    (drawing(zone("field", FIELD), gate("g", [47, 0], [53, 0], zones=["nowhere"])),
     "features[1].properties.zones"),
    (drawing({"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]},
              "properties": {"kind": "volcano"}}), "features[0].properties.kind"),
])
def test_bad_input_is_refused_where_it_is_and_the_plan_is_untouched(draft, features, where):
    client = organizer_client(draft)
    assert put(client, draft, GOOD).status_code == 200
    response = put(client, draft, features, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert where in response.json(), response.json()
    plan = SitePlan.objects.get(application=draft)
    assert plan.features == GOOD and plan.revision == 1


def test_errors_are_in_english_when_asked(draft):
    response = organizer_client(draft).put(
        f"/api/applications/{draft.pk}/siteplan/", {"features": drawing(zone("bow", [[0, 0], [10, 10], [10, 0],
                                                                                   [0, 10], [0, 0]]))},
        format="json", HTTP_ACCEPT_LANGUAGE="en")
    message = response.json()["features[0].geometry"][0]
    assert message and not any("\u4e00" <= c <= "\u9fff" for c in message)


def test_another_organisation_cannot_see_or_change_it(draft):
    outsider = APIClient()
    outsider.force_authenticate(factories.OrganizerUserFactory())
    assert outsider.get(f"/api/applications/{draft.pk}/siteplan/").status_code == 404
    assert put(outsider, draft, GOOD).status_code == 404
    assert not SitePlan.objects.filter(application=draft).exists()


def test_after_submission_the_plan_is_read_only_and_the_police_read_it():
    builder = application()
    app = builder.build()
    client = APIClient()
    client.force_authenticate(builder.people["organizer"])
    assert put(client, app, GOOD).status_code == 200
    app = builder.filled().submitted().build()
    response = put(client, app, drawing(zone("field", FIELD)))
    assert response.status_code == 403
    assert SitePlan.objects.get(application=app).features == GOOD
    police = APIClient()
    police.force_authenticate(reviewer_for(app))
    read = police.get(f"/api/applications/{app.pk}/siteplan/").json()
    assert read["features"] == GOOD and read["editable"] is False


def test_a_new_application_at_the_venue_starts_from_its_last_plan():
    first = application()
    client = APIClient()
    client.force_authenticate(first.people["organizer"])
    app = first.build()
    assert put(client, app, GOOD).status_code == 200
    second = application(first.people["organizer"], venue=app.event.venue).build()
    # Saving anything starts the copy from the venue's last drawing; a reviewer sees its origin.
    response = put(client, second, GOOD, revision=0)
    assert response.status_code == 200
    assert SitePlan.objects.get(application=second).copied_from == SitePlan.objects.get(application=app)
