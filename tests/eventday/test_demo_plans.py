"""The demo's lakeside festival and marathon: their event-day zones and gates come from their drawn site plans
(the evening concert, without a plan, keeps the typed demo ground)."""
from django.core.management import call_command

from approvals.demo.core import EVENING_CONCERT, FESTIVAL, MARATHON
from eventday.models import Gate, Zone


def test_the_demo_s_drawn_events_get_their_event_day_from_the_drawing(db):
    call_command("load_demo")
    festival = Zone.objects.filter(event__name=FESTIVAL)
    assert list(festival.values_list("plan_key", "name", "kind", "usable_area_m2")) == [
        ("lawn", "主舞台草坪区", "warning", 18000)]
    assert set(Gate.objects.filter(event__name=FESTIVAL).values_list("plan_key", "zone__plan_key")) == {
        ("east", "lawn"), ("west", "lawn"), ("south", "lawn"), ("north", "lawn")}
    marathon = Zone.objects.filter(event__name=MARATHON)
    assert list(marathon.values_list("plan_key", "usable_area_m2")) == [("start", 80000), ("finish", 80000)]
    assert set(Gate.objects.filter(event__name=MARATHON).values_list("plan_key", flat=True)) == {
        "start-gate", "finish-gate"}
    assert set(Zone.objects.filter(event__name=EVENING_CONCERT).values_list("plan_key", flat=True)) == {""}
    counts = Zone.objects.count(), Gate.objects.count()
    call_command("load_demo")  # a second run adds nothing
    assert (Zone.objects.count(), Gate.objects.count()) == counts
