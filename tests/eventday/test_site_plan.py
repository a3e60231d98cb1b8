"""Event day from the site plan: zones and gates read off the drawing (nothing typed twice), the four occupancy
bands, each gate's flow in the last minute, incidents pinned where they happened, and the heat map on the live
dashboard (plan_world: the lawn of 18,000 m² with two perimeter gates, the stage pit of 3,500 m² entered from the
lawn, a gate on the control ring only)."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from eventday import crowd, heatmap, services
from eventday.demo import setup_event
from eventday.models import Gate, IncidentKind, OccupancyPolicy, Zone
from eventday.services import readings_ingest

from .factories import approved_application, district_reviewer, reading
from .plan_world import planned_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    return planned_application()


def test_zones_and_gates_come_from_the_plan_with_their_drawn_area_and_joins(planned):
    zones, gates = services.zones_from_plan(event=planned.event)
    assert [(z.plan_key, z.name, z.kind, z.usable_area_m2) for z in zones] == [
        ("lawn", "草坪区", "warning", 18000), ("pit", "舞台前区", "core", 3500)]
    assert all(z.safe_density == Decimal("2.00") for z in zones)  # the risk model's planning density
    joins = {g.plan_key: (g.code, g.name, g.zone.plan_key, g.from_zone.plan_key if g.from_zone else None)
             for g in gates}
    assert joins == {"west": ("west", "西门", "lawn", None), "south": ("south", "南门", "lawn", None),
                     "pit-gate": ("pit-gate", "舞台前区入口", "pit", "lawn")}
    # Once: a second set-up adds nothing.
    assert services.zones_from_plan(event=planned.event) == ([], [])
    assert Zone.objects.filter(event=planned.event).count() == 2 and Gate.objects.filter(event=planned.event).count() == 3


def test_setting_up_the_event_day_reads_the_plan_or_keeps_the_typed_ground():
    drawn = planned_application()
    setup_event(drawn.event)
    assert set(Zone.objects.filter(event=drawn.event).values_list("plan_key", flat=True)) == {"lawn", "pit"}
    plain = approved_application()
    setup_event(plain.event)
    typed = Zone.objects.filter(event=plain.event)
    assert typed.count() == 3 and set(typed.values_list("plan_key", flat=True)) == {""}


@pytest.mark.parametrize(("occupancy", "band"), [
    (0, "calm"), (59, "calm"), (60, "busy"), (79, "busy"), (80, "near_full"), (94, "near_full"), (95, "full"),
    (130, "full")])
def test_the_four_bands_start_at_60_80_and_95_percent(occupancy, band):
    assert crowd.band_for(occupancy, 100, crowd.BandLines(60, 80, 95)) == band


def test_a_zone_without_capacity_is_full_as_soon_as_anyone_is_in_it():
    lines = crowd.BandLines()
    assert crowd.band_for(0, 0, lines) == "calm" and crowd.band_for(1, 0, lines) == "full"


def test_the_bands_are_data_the_policy_s_lines(planned):
    policy = OccupancyPolicy.objects.create(busy_percent=50, warning_percent=70, stop_admission_percent=90)
    from eventday.bands import bands

    assert [(b.code, b.lower, b.upper) for b in bands(policy)] == [
        ("calm", 0, 50), ("busy", 50, 70), ("near_full", 70, 90), ("full", 90, None)]


def _live(planned):
    zones, gates = services.zones_from_plan(event=planned.event)
    device, _token = services.device_register(event=planned.event, name="计数器", gates=gates)
    return {z.plan_key: z for z in zones}, device


def test_each_gate_shows_its_flow_in_the_last_minute(planned):
    _zones, device = _live(planned)
    now = timezone.now()
    readings_ingest(device=device, readings=[
        reading("west", 1, 40, 2, at=now - timedelta(seconds=20)), reading("west", 2, 10, 0, at=now - timedelta(seconds=5)),
        reading("south", 3, 99, 0, at=now - timedelta(minutes=3)), reading("pit-gate", 4, 7, 1, at=now)])
    flows = {f.plan_key: (f.count_in, f.count_out) for f in heatmap.gate_flows(planned.event, now=now)}
    assert flows == {"west": (50, 2), "south": (0, 0), "pit-gate": (7, 1)}


def test_incidents_are_pinned_at_their_point_or_their_zone(planned):
    zones, _device = _live(planned)
    reviewer = district_reviewer(planned)
    kind = IncidentKind.objects.first()
    now = timezone.now()
    record = {"event": planned.event, "user": reviewer, "kind": kind, "place": "东侧", "description": "x",
              "outcome": "x"}
    services.incident_record(occurred_at=now - timedelta(minutes=9), zone=zones["pit"], **record)
    services.incident_record(occurred_at=now - timedelta(minutes=5), plan_x=100.0, plan_y=50.0, **record)
    services.incident_record(occurred_at=now - timedelta(minutes=1), **record)  # no place on the plan: no pin
    features = {f["properties"]["key"]: f for f in planned.site_plan.features["features"]}
    pins = heatmap.incident_pins(planned.event, features)
    assert [(p.number, round(p.x), round(p.y)) for p in pins][0] == (1, 100, 50)
    assert len(pins) == 2 and 190 <= pins[1].x <= 260 and 50 <= pins[1].y <= 100  # inside the pit


@pytest.mark.parametrize(("point", "field"), [((400.0, 50.0), "plan_x"), ((10.0, None), "plan_y")])
def test_an_incident_outside_the_plan_or_half_placed_is_refused(planned, point, field):
    reviewer = district_reviewer(planned)
    with pytest.raises(ValidationError) as error:
        services.incident_record(event=planned.event, user=reviewer, kind=IncidentKind.objects.first(),
                                 occurred_at=timezone.now(), place="x", description="x", outcome="x",
                                 plan_x=point[0], plan_y=point[1])
    assert field in error.value.message_dict


def _band_of(svg: str, key: str) -> str:
    return re.search(rf'data-key="{key}" data-band="([a-z_]+)"', svg).group(1)


def test_the_live_dashboard_draws_the_heat_map_in_colour_and_words(planned, client, django_assert_max_num_queries):
    zones, device = _live(planned)
    readings_ingest(device=device, readings=[reading("west", 1, 30000), reading("pit-gate", 2, 3400)])
    reviewer = district_reviewer(planned)
    services.incident_record(event=planned.event, user=reviewer, kind=IncidentKind.objects.first(),
                             occurred_at=timezone.now(), place="舞台前", description="x", outcome="x",
                             zone=zones["pit"])
    client.force_login(reviewer)
    with django_assert_max_num_queries(19):
        page = client.get(f"/eventday/events/{planned.event.pk}/live/").content.decode()
    # Lawn: 30,000 in, 3,400 on to the pit = 26,600 of 36,000 (73.9 %): busy; pit 3,400 of 7,000: calm.
    assert _band_of(page, "lawn") == "busy" and _band_of(page, "pit") == "calm"
    assert "74% · 较多" in page and "49% · 宽松" in page  # the band in words, in the drawing and below it
    assert 'data-zone-key="lawn" data-band="busy"' in page
    assert "西门 进30000/出0" in page and 'class="incident-pin"' in page
    assert "饱和（停止入场）（≥95%）" in page  # the legend
    readings_ingest(device=device, readings=[reading("pit-gate", 3, 3300)])  # the pit crosses 95 %
    page = client.get(f"/eventday/events/{planned.event.pk}/live/").content.decode()
    assert _band_of(page, "pit") == "full" and _band_of(page, "lawn") == "busy"  # 23,300: 64.7 %
    assert "96% · 饱和（停止入场）" in page


def test_an_event_without_a_plan_has_no_heat_map_and_no_extra_query(client, django_assert_max_num_queries):
    plain = approved_application()
    setup_event(plain.event)
    client.force_login(district_reviewer(plain))
    with django_assert_max_num_queries(16):
        page = client.get(f"/eventday/events/{plain.event.pk}/live/").content.decode()
    assert 'data-testid="heat-map"' not in page
    assert 'data-band="calm"' in page  # the band is still written on each zone's row


def test_the_policy_s_band_lines_must_rise():
    with pytest.raises(ValidationError) as error:
        OccupancyPolicy(busy_percent=85, warning_percent=80, stop_admission_percent=95).full_clean()
    assert "busy_percent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        OccupancyPolicy(busy_percent=50, warning_percent=96, stop_admission_percent=95).full_clean()
    assert "warning_percent" in error.value.message_dict
    OccupancyPolicy(busy_percent=60, warning_percent=80, stop_admission_percent=95).full_clean()
