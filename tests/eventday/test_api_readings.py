"""The counting endpoint: device tokens, single readings and batches, refusals, a fixed number of queries."""
import pytest
from rest_framework.test import APIClient

from eventday.models import GateDevice, GateReading, Zone
from tests import factories

from .factories import device_client, item, live_event

pytestmark = pytest.mark.django_db
URL = "/api/eventday/readings/"


def test_a_batch_is_counted_and_a_resend_is_reported_as_duplicates():
    live = live_event()
    client = device_client(live.token)
    batch = {"readings": [item("east", 1, 10), item("west", 2, 7, 2), item("stage", 3, 4)]}
    response = client.post(URL, batch, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 3
    response = client.post(URL, batch, format="json")
    assert response.json() == {"accepted": 0, "duplicates": 3, "alerts": [], "headcount_alerts": []}
    assert Zone.objects.get(pk=live.outer.pk).occupancy == 11


def test_a_single_reading_and_a_bare_list_are_accepted():
    live = live_event()
    client = device_client(live.token)
    assert client.post(URL, item("east", 1, 3), format="json").json()["accepted"] == 1
    assert client.post(URL, [item("east", 2, 3), item("east", 3, 1)], format="json").json()["accepted"] == 2
    assert Zone.objects.get(pk=live.outer.pk).occupancy == 7


def test_crossing_a_line_is_reported_back_to_the_device():
    live = live_event()
    response = device_client(live.token).post(URL, [item("east", 1, 200), item("stage", 2, 96)], format="json")
    assert {(a["zone"], a["level"]) for a in response.json()["alerts"]} == {
        ("舞台前区", "warning"), ("舞台前区", "stop_admission")}


@pytest.mark.parametrize("header", [None, "Device not-a-token", "Device", "Token abc"])
def test_requests_without_a_valid_device_token_are_refused(header):
    live = live_event()
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, item("east", 1, 3), format="json")
    assert response.status_code in (401, 403)
    assert not GateReading.objects.exists()
    assert live.outer.occupancy == 0


def test_a_deactivated_device_is_refused():
    live = live_event()
    GateDevice.objects.filter(pk=live.device.pk).update(is_active=False)
    assert device_client(live.token).post(URL, item("east", 1, 3), format="json").status_code == 401


def test_a_signed_in_user_cannot_post_readings(client):
    live = live_event()
    reviewer = factories.ReviewerFactory(authority=live.application.district)
    client.force_login(reviewer)
    response = client.post(URL, item("east", 1, 3), content_type="application/json")
    assert response.status_code in (401, 403)


def test_a_gate_of_another_event_is_refused_with_a_field_error():
    live = live_event()
    other = live_event()
    response = device_client(other.token).post(URL, [item("east", 1, 3), item("nowhere", 2, 3)], format="json")
    assert response.status_code == 400
    assert "readings[1].gate" in response.json()
    assert not GateReading.objects.exists()
    assert Zone.objects.get(pk=live.outer.pk).occupancy == 0


def test_invalid_numbers_are_refused_field_by_field():
    live = live_event()
    response = device_client(live.token).post(URL, [item("east", 1, 2), {**item("east", 2), "in": -1},
                                                    {**item("east", 3), "time": "yesterday", "sequence": True}],
                                              format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"readings[1].in", "readings[2].time", "readings[2].sequence"}
    assert not GateReading.objects.exists()


def test_a_suspended_event_takes_no_readings():
    live = live_event(state="suspended")
    response = device_client(live.token).post(URL, item("east", 1, 3), format="json")
    assert response.status_code == 400
    assert "熔断" in response.json()["event"][0]


def test_a_batch_of_100_readings_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    live = live_event()
    client = device_client(live.token)
    client.post(URL, [item("east", 0, 1)], format="json")  # the tally row exists from then on
    batch = [item(("east", "west", "stage")[i % 3], i + 1, 2, 1) for i in range(100)]
    with django_assert_max_num_queries(16):  # + the Art. 18 headcount evaluation (same transaction: one commit)
        response = client.post(URL, batch, format="json")
    assert response.json()["accepted"] == 100


def test_the_device_endpoint_lists_the_events_gates():
    live = live_event()
    payload = device_client(live.token).get("/api/eventday/device/").json()
    assert payload["event"]["id"] == live.event.pk
    assert {g["code"] for g in payload["gates"]} == {"east", "west", "stage"}
    assert {z["name"]: z["safe_capacity"] for z in payload["zones"]} == {"舞台前区": 100, "警戒区": 400}
