"""The event-day demo hook: zones and gates for the live demo event, and a device token that counts."""
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from eventday.demo import setup_event
from eventday.models import Gate, Zone

from .factories import approved_application

pytestmark = pytest.mark.django_db


def test_setup_creates_the_layered_zones_and_a_working_device_token():
    application = approved_application()
    token = setup_event(application.event)
    setup_event(application.event)  # a second device, no second set of zones
    assert list(Zone.objects.filter(event=application.event).values_list("kind", flat=True)) == [
        "control", "warning", "core"]
    assert Gate.objects.filter(event=application.event, from_zone__isnull=True).count() == 3
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    response = client.post("/api/eventday/readings/", {"gate": "east", "time": timezone.now().isoformat(),
                                                      "in": 12, "out": 0, "sequence": 1}, format="json")
    assert response.json()["accepted"] == 1
