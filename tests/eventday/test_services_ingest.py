"""Counting: idempotent per (device, sequence), any arrival order, only live events and their own gates."""
import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from approvals.models import Application
from eventday import selectors
from eventday.models import (
    Alert,
    EventTally,
    GateReading,
    OccupancyPolicy,
    Zone,
    ZoneMinute,
)
from eventday.services import readings_ingest

from .factories import live_event, reading

pytestmark = pytest.mark.django_db


def occupancies(live):
    return {z.name: z.occupancy for z in Zone.objects.filter(event=live.event)}


def test_resent_batch_is_counted_once():
    live = live_event()
    batch = [reading("east", 1, 30), reading("west", 2, 20, 5), reading("stage", 3, 10)]
    first = readings_ingest(device=live.device, readings=batch)
    again = readings_ingest(device=live.device, readings=batch)
    assert (first.accepted, first.duplicates) == (3, 0)
    assert (again.accepted, again.duplicates) == (0, 3)
    assert occupancies(live) == {"警戒区": 35, "舞台前区": 10}
    assert GateReading.objects.count() == 3
    tally = EventTally.objects.get(event=live.event)
    assert (tally.entries, tally.exits, tally.occupancy) == (50, 5, 45)


def test_shuffled_overlapping_batches_give_exact_occupancy():
    live = live_event()
    rng = random.Random(7)
    readings = []
    for sequence in range(1, 301):
        gate = rng.choice(["east", "west", "stage"])
        readings.append(reading(gate, sequence, rng.randint(0, 5), rng.randint(0, 2),
                                at=timezone.now() - timedelta(minutes=rng.randint(0, 50))))
    expected_outer = sum(r.count_in - r.count_out for r in readings if r.gate != "stage") \
        - sum(r.count_in - r.count_out for r in readings if r.gate == "stage")
    expected_core = sum(r.count_in - r.count_out for r in readings if r.gate == "stage")
    shuffled = readings[:]
    rng.shuffle(shuffled)
    # Overlapping windows: every reading is sent at least once, many twice, in no particular order.
    for start in range(0, 300, 40):
        readings_ingest(device=live.device, readings=shuffled[start:start + 60])
    readings_ingest(device=live.device, readings=list(reversed(shuffled[:50])))
    outer, core = Zone.objects.get(pk=live.outer.pk), Zone.objects.get(pk=live.core.pk)
    assert outer.entries - outer.exits == expected_outer
    assert core.entries - core.exits == expected_core
    assert GateReading.objects.count() == 300
    minutes = ZoneMinute.objects.filter(zone=live.core)
    assert sum(m.count_in - m.count_out for m in minutes) == expected_core


def test_a_sequence_repeated_within_one_batch_counts_once():
    live = live_event()
    result = readings_ingest(device=live.device, readings=[reading("east", 9, 10), reading("east", 9, 10)])
    assert (result.accepted, result.duplicates) == (1, 1)
    assert occupancies(live)["警戒区"] == 10


def test_the_inner_gate_moves_people_between_zones_and_not_in_or_out_of_the_event():
    live = live_event()
    readings_ingest(device=live.device, readings=[reading("east", 1, 100), reading("stage", 2, 40, 5)])
    assert occupancies(live) == {"警戒区": 65, "舞台前区": 35}
    tally = EventTally.objects.get(event=live.event)
    assert (tally.entries, tally.occupancy, tally.peak_occupancy) == (100, 100, 100)


def test_reading_for_another_events_gate_is_refused_and_nothing_is_counted():
    live = live_event()
    other = live_event()
    other_gate = other.gates["east"]
    other_gate.code = "north"
    other_gate.save()
    with pytest.raises(ValidationError) as refused:
        readings_ingest(device=live.device, readings=[reading("east", 1, 5), reading("north", 2, 5)])
    assert "readings[1].gate" in refused.value.message_dict
    assert GateReading.objects.count() == 0
    assert occupancies(live)["警戒区"] == 0


@pytest.mark.parametrize("state", ["submitted", "suspended", "revoked"])
def test_readings_for_an_event_without_a_permit_in_force_are_refused(state):
    live = live_event()
    Application.objects.filter(pk=live.application.pk).update(state=state)
    live.device.event.application.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        readings_ingest(device=live.device, readings=[reading("east", 1, 5)])
    assert "event" in refused.value.message_dict
    assert GateReading.objects.count() == 0


def test_readings_outside_the_event_window_are_refused():
    live = live_event(live=False)  # the factory's event is 40 days ahead
    with pytest.raises(ValidationError, match="不在活动计数时段内"):
        readings_ingest(device=live.device, readings=[reading("east", 1, 5)])
    live = live_event()
    margin = OccupancyPolicy.current().live_margin_minutes
    too_early = live.event.start_at - timedelta(minutes=margin + 1)
    with pytest.raises(ValidationError) as refused:
        readings_ingest(device=live.device, readings=[reading("east", 1, 5, at=too_early)])
    assert "readings[0].time" in refused.value.message_dict


def test_crossing_80_and_95_percent_raises_each_alert_once():
    live = live_event()  # stage front holds 100
    readings_ingest(device=live.device, readings=[reading("east", 1, 300)])
    readings_ingest(device=live.device, readings=[reading("stage", 2, 79)])
    assert not Alert.objects.exists()
    readings_ingest(device=live.device, readings=[reading("stage", 3, 2)])  # 81 %
    readings_ingest(device=live.device, readings=[reading("stage", 4, 5)])  # 86 %: still warning
    assert list(Alert.objects.values_list("zone__name", "level")) == [("舞台前区", "warning")]
    readings_ingest(device=live.device, readings=[reading("stage", 5, 10)])  # 96 %
    readings_ingest(device=live.device, readings=[reading("stage", 6, 1)])  # 97 %
    assert sorted(Alert.objects.values_list("level", flat=True)) == ["stop_admission", "warning"]
    stop = Alert.objects.get(level="stop_admission")
    assert (stop.occupancy, stop.safe_capacity) == (96, 100)
    # Falls back below 95 %, then crosses again: a new stop alert, but no second warning.
    readings_ingest(device=live.device, readings=[reading("stage", 7, 0, 10)])  # 87 %
    readings_ingest(device=live.device, readings=[reading("stage", 8, 10)])  # 97 %
    assert sorted(Alert.objects.values_list("level", flat=True)) == ["stop_admission", "stop_admission", "warning"]
    # The warning area (400) has 300 - 97 = 203: no alert there.
    assert not Alert.objects.filter(zone=live.outer).exists()


def test_a_resent_batch_never_raises_an_alert_twice():
    live = live_event()
    batch = [reading("east", 1, 330)]  # 82.5 % of 400
    readings_ingest(device=live.device, readings=batch)
    readings_ingest(device=live.device, readings=batch)
    assert Alert.objects.filter(zone=live.outer, level="warning").count() == 1


def test_occupancy_and_last_hour_series_come_from_the_totals():
    live = live_event()
    now = timezone.now()
    readings_ingest(device=live.device, readings=[
        reading("east", 1, 50, at=now - timedelta(minutes=30)),
        reading("east", 2, 20, 5, at=now - timedelta(minutes=10)),
    ], now=now)
    occupancy = selectors.event_occupancy(live.event)
    assert occupancy.occupancy == 65
    assert occupancy.entries == 70
    chart = selectors.occupancy_last_hour(live.event, occupancy, now=now)
    outer = next(s for s in chart["series"] if s["zone"] == "警戒区")
    assert len(chart["labels"]) == 60
    assert outer["values"][-1] == 65
    assert outer["values"][-11] == 65  # the end of the second reading's minute
    assert outer["values"][-12] == 50
    assert outer["values"][0] == 0
