"""The demo's drawn site plans: the lakeside festival ground and the marathon course, saved with figures."""
from django.core.management import call_command

from approvals.demo.core import FESTIVAL, MARATHON
from siteplan.models import SitePlan


def test_the_demo_draws_the_festival_ground_and_the_marathon_course(db):
    call_command("load_demo")
    festival = SitePlan.objects.get(application__event__name=FESTIVAL)
    assert festival.application.event.venue.name == "湖滨音乐节草坪"
    assert [z["name"] for z in festival.figures["zones"]] == ["主舞台草坪区"] and festival.figures["exits"] == 4
    marathon = SitePlan.objects.get(application__event__name=MARATHON)
    assert "course" in {f["properties"]["kind"] for f in marathon.features["features"]}
    revisions = dict(SitePlan.objects.values_list("pk", "revision"))
    call_command("load_demo")
    assert dict(SitePlan.objects.values_list("pk", "revision")) == revisions
