"""The site-plan page without a mouse: the keyboard form adds an audience area and gates, the figures follow;
a wrong item gets its message on the field; the police read the plan; a culture official does not."""
import pytest

from siteplan.models import SitePlan
from tests.support.builder import application, culture_official, reviewer_for

pytestmark = pytest.mark.django_db


def add(client, app, **fields):
    return client.post(f"/applications/{app.pk}/siteplan/", fields)


def test_an_organizer_draws_with_the_keyboard(client):
    builder = application()
    app = builder.build()
    client.force_login(builder.people["organizer"])
    page = client.get(f"/applications/{app.pk}/siteplan/")
    assert page.status_code == 200 and "siteplan-form" in page.content.decode()
    assert add(client, app, kind="audience", name="草坪区", coordinates="0,0; 100,0; 100,120; 0,120").status_code == 302
    assert add(client, app, kind="gate", name="南门", coordinates="47,0; 53,0", width_m="6", gate_kind="level",
               role="both").status_code == 302
    body = client.get(f"/applications/{app.pk}/siteplan/").content.decode()
    assert "草坪区" in body and "南门" in body
    figures = SitePlan.objects.get(application=app).figures
    # One 6 m exit: left out for emergency egress, so the exits hold nobody until a second is drawn.
    assert figures["zones"][0]["capacity_by_exits"] == 0
    add(client, app, kind="gate", name="北门", coordinates="47,120; 53,120", width_m="6", gate_kind="level", role="both")
    assert SitePlan.objects.get(application=app).figures["zones"][0]["capacity"] == 6 * 82 * 8


def test_a_wrong_item_is_named_on_its_field_and_nothing_is_lost(client):
    builder = application()
    app = builder.build()
    client.force_login(builder.people["organizer"])
    add(client, app, kind="audience", name="草坪区", coordinates="0,0; 100,0; 100,120; 0,120")
    response = add(client, app, kind="audience", name="交叉", coordinates="0,0; 10,10; 10,0; 0,10")
    assert response.status_code == 200
    assert "多边形的边不得相互交叉" in response.content.decode()
    assert response.context["form"].errors["coordinates"]
    response = add(client, app, kind="gate", name="无宽度", coordinates="47,0; 53,0")
    assert response.context["form"].errors["width_m"]
    response = add(client, app, kind="audience", coordinates="零,零")
    assert response.context["form"].errors["coordinates"]
    assert len(SitePlan.objects.get(application=app).features["features"]) == 1


def test_the_police_read_it_and_a_culture_official_does_not(client):
    builder = application()
    app = builder.build()
    client.force_login(builder.people["organizer"])
    add(client, app, kind="audience", name="草坪区", coordinates="0,0; 100,0; 100,120; 0,120")
    app = builder.filled().submitted().build()
    client.force_login(reviewer_for(app))
    page = client.get(f"/applications/{app.pk}/siteplan/")
    assert page.status_code == 200 and "草坪区" in page.content.decode()
    assert "siteplan-form" not in page.content.decode()
    assert add(client, app, kind="audience", coordinates="0,0; 1,0; 1,1").status_code == 302
    assert len(SitePlan.objects.get(application=app).features["features"]) == 1
    client.force_login(culture_official())
    assert client.get(f"/applications/{app.pk}/siteplan/").status_code == 404
