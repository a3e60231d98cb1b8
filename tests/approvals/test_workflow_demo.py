"""The demo walks applications through the workflow: every state shows, and a demo application's page shows
its whole history."""
import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from approvals.demo import core as demo
from approvals.demo import workflow as workflow_demo
from approvals.models import Application

pytestmark = pytest.mark.django_db


def test_demo_shows_every_workflow_state_and_the_history(client, capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    states = {a.event.name: a.state for a in Application.objects.select_related("event")}
    assert states[demo.FESTIVAL] == "accepted_deferred", output
    assert states[demo.EVENING_CONCERT] == "approved", output
    assert states[demo.MARATHON] == "suspended", output
    assert states[demo.LANTERN_FAIR] == "provisionally_approved", output
    assert "rejected" in states.values() and "completed" in states.values()
    evening = Application.objects.get(event__name=demo.EVENING_CONCERT)
    # 8,000 people: reported by the district, decided by the city, in the city's name and series (Art. 12).
    assert evening.permit.authority.name == "市公安局" and evening.permit.number.startswith("市公安许〔")
    gala = Application.objects.get(event__name=workflow_demo.REPORTED_DEMO)
    assert gala.state == "reported_to_city"
    festival = Application.objects.get(event__name=demo.FESTIVAL)
    assert festival.event.performers.filter(vetting_status="struck").exists()
    marathon = Application.objects.get(event__name=demo.MARATHON)
    client.force_login(User.objects.get(username="reviewer"))
    text = client.get(reverse("approvals:detail", args=[marathon.pk])).content.decode()
    # 20,000 people: the district suspends, but resuming is the city bureau's decision (issue 10).
    assert "大风橙色预警" in text and 'data-action="resume"' not in text and 'data-withheld="resume"' in text
    client.force_login(User.objects.get(username="city"))
    text = client.get(reverse("approvals:detail", args=[marathon.pk])).content.decode()
    assert 'data-action="resume"' in text
    history = client.get(reverse("review:history", args=[marathon.pk])).content.decode()
    for transition in ("submit", "accept", "start_review", "approve", "suspend"):
        assert f'data-transition="{transition}"' in history
