"""Benchmark: gate readings ingested through the counting API vs a raw COPY, and the occupancy query's latency.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ingest.py

DATABASE_URL names the PostgreSQL server; the benchmark works in its own database on it (anbao_bench_ingest,
or --database), created and migrated on the first run; each run adds a fresh live event with 50 gates in 5 zones.
It then
1. posts a day of readings (one per gate every --interval seconds) to /api/eventday/readings/ in batches of
   --batch, in-process (django.test.Client: the full middleware stack, device-token authentication, DRF
   parsing and validation, the idempotent insert, the running totals, the alerts) and prints readings/s;
2. COPYs the same rows (for a second device of the same event) straight into the readings table with psycopg2
   and prints rows/s, and the ratio API / COPY (target >= 0.5x). The two alternate in --rounds rounds, so
   that both meet the same load on a shared machine;
3. with that day of readings stored, times the occupancy query (per-zone and event totals) and the whole
   occupancy payload with its last-hour chart: median and 95th percentile (target < 20 ms for the query).
"""
import argparse
import io
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import Results, configure_django, ensure_database  # noqa: E402
GATES = 50
ZONES = 5
TARGET_RATIO = 0.5
TARGET_QUERY_MS = 20.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="anbao_bench_ingest")
    parser.add_argument("--interval", type=int, default=30, help="seconds between readings of one gate (30)")
    parser.add_argument("--hours", type=float, default=24, help="hours of readings (24)")
    parser.add_argument("--batch", type=int, default=1000, help="readings per POST (1000)")
    parser.add_argument("--rounds", type=int, default=12, help="alternations API/COPY (12)")
    parser.add_argument("--iterations", type=int, default=300, help="timed occupancy queries (300)")
    return parser.parse_args()


def setup_django(database_url: str) -> None:
    # Persistent database connections, as deployed (docker-compose.yml) and as the COPY side has.
    configure_django(database_url, DB_CONN_MAX_AGE="60")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def live_event(hours: float):
    """A fresh approved event running now (the day of readings lies inside its counting window)."""
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from approvals.models import Application
    from approvals.applications.selectors import current_catalogue
    from events.models import Authority, Event, Organisation, Venue
    from eventday import services

    stamp = time.strftime("%Y%m%d%H%M%S")
    city, _ = Authority.objects.get_or_create(name="市公安局", defaults={"kind": "police", "level": "city"})
    district, _ = Authority.objects.get_or_create(name="基准分局", defaults={
        "kind": "police", "level": "district", "parent": city})
    organisation, _ = Organisation.objects.get_or_create(name="基准演出公司")
    user, _ = User.objects.get_or_create(username="bench-organizer", defaults={"organisation": organisation})
    venue = Venue.objects.create(name=f"基准场地{stamp}", address="x", district=district, usable_area_m2=60000)
    now = timezone.now()
    event = Event.objects.create(name=f"基准音乐节{stamp}", kind="music_festival", venue=venue,
                                 organisation=organisation, start_at=now - timedelta(hours=hours),
                                 end_at=now + timedelta(hours=2), expected_attendance=50000, rated_capacity=60000)
    application = Application.objects.create(event=event, organisation=organisation, district=district,
                                             catalogue=current_catalogue(), created_by=user)
    # Bench set-up only: the permit state without walking the workflow.
    Application.objects.filter(pk=application.pk).update(state="approved")
    zones = [services.zone_create(event=event, kind="area", name=f"区域{i}", usable_area_m2=10000,
                                  safe_density=Decimal("2.00"), order=i) for i in range(ZONES)]
    gates = [services.gate_create(zone=zones[i % ZONES], code=f"g{i:02d}", name=f"闸口{i}") for i in range(GATES)]
    api_device, token = services.device_register(event=event, name="bench-api", gates=gates)
    copy_device, _token = services.device_register(event=event, name="bench-copy", gates=gates)
    return event, gates, token, copy_device


def day_of_readings(gates, *, hours: float, interval: int):
    """(gate code, gate id, time, in, out, sequence), ordered by time, sequences unique per device."""
    from django.utils import timezone

    start = timezone.now() - timedelta(hours=hours) + timedelta(minutes=1)
    steps = int(hours * 3600 / interval)
    rows = []
    sequence = 0
    for step in range(steps):
        moment = start + timedelta(seconds=step * interval)
        for index, gate in enumerate(gates):
            sequence += 1
            rows.append((gate.code, gate.pk, moment, 1 + (step + index) % 7, (step * 3 + index) % 5, sequence))
    return rows


def api_bodies(rows, batch: int) -> list[str]:
    return [json.dumps({"readings": [
        {"gate": code, "time": moment.isoformat(), "in": count_in, "out": count_out, "sequence": sequence}
        for code, _gate_id, moment, count_in, count_out, sequence in rows[start:start + batch]]})
        for start in range(0, len(rows), batch)]


def copy_buffer(rows, device) -> io.StringIO:
    received = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
    buffer = io.StringIO()
    for _code, gate_id, moment, count_in, count_out, sequence in rows:
        buffer.write(f"{device.pk}\t{sequence}\t{gate_id}\t{moment.isoformat()}\t{count_in}\t{count_out}\t"
                     f"{received}\n")
    buffer.seek(0)
    return buffer


def bench_interleaved(rows, *, token: str, copy_device, database_url: str, batch: int, rounds: int):
    """Seconds spent by the API and by COPY on the same rows, alternating round by round so that both see
    the same load on a shared machine. Each API batch is one transaction; each COPY round is one."""
    import psycopg2
    from django.test import Client

    from eventday.models import GateReading

    table = GateReading._meta.db_table
    client = Client(HTTP_AUTHORIZATION=f"Device {token}")
    copy_connection = psycopg2.connect(database_url)
    per_round = -(-len(rows) // rounds)
    api_seconds = copy_seconds = 0.0
    accepted = 0
    for start in range(0, len(rows), per_round):
        chunk = rows[start:start + per_round]
        bodies = api_bodies(chunk, batch)
        began = time.perf_counter()
        for body in bodies:
            response = client.post("/api/eventday/readings/", body, content_type="application/json")
            if response.status_code != 200:
                sys.exit(f"API refused a batch ({response.status_code}): {response.content[:500]!r}")
            accepted += response.json()["accepted"]
        api_seconds += time.perf_counter() - began
        buffer = copy_buffer(chunk, copy_device)
        began = time.perf_counter()
        with copy_connection, copy_connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} (device_id, sequence, gate_id, measured_at, count_in, count_out, "
                               f"received_at) FROM STDIN", buffer)
        copy_seconds += time.perf_counter() - began
    copy_connection.close()
    if accepted != len(rows):
        sys.exit(f"accepted {accepted} of {len(rows)}")
    return api_seconds, copy_seconds


def timed(function, iterations: int) -> tuple[float, float]:
    for _ in range(10):
        function()
    samples = []
    for _ in range(iterations):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    args = parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database_url = ensure_database(server, args.database)
    setup_django(database_url)
    from eventday import selectors
    from eventday.api import occupancy_payload
    from eventday.models import GateReading

    load = os.getloadavg()
    results = Results("ingest", "`bench/ingest.py`")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    event, gates, token, copy_device = live_event(args.hours)
    rows = day_of_readings(gates, hours=args.hours, interval=args.interval)
    print(f"event {event.pk}: {GATES} gates in {ZONES} zones, {len(rows):,} readings "
          f"({args.hours:g} h, one per gate every {args.interval} s)")

    api_seconds, copy_seconds = bench_interleaved(rows, token=token, copy_device=copy_device,
                                                  database_url=database_url, batch=args.batch, rounds=args.rounds)
    api_rate, copy_rate = len(rows) / api_seconds, len(rows) / copy_seconds
    ratio = api_rate / copy_rate
    print(f"API, batches of {args.batch}:  {api_rate:>10,.0f} readings/s (in-process client, full stack)")
    print(f"psycopg2 COPY, same rows:   {copy_rate:>10,.0f} rows/s (in {args.rounds} transactions, alternating "
          f"with the API)")
    print(f"ratio API / COPY:           {ratio:>10.2f}x  (target >= {TARGET_RATIO}x)  "
          f"{'OK' if ratio >= TARGET_RATIO else 'BELOW TARGET'}")
    results.add(f"gate readings through the API, batches of {args.batch} (floor: psycopg2 COPY of the same "
                f"{len(rows):,} rows, {copy_rate:,.0f} rows/s)", f"{api_rate:,.0f} readings/s ({ratio:.2f}× COPY)",
                f"≥ {TARGET_RATIO}× COPY", ratio >= TARGET_RATIO)

    load = os.getloadavg()
    print(f"load average after the ingest: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    stored = GateReading.objects.filter(gate__event=event).count()
    occupancy = selectors.event_occupancy(event)
    print(f"stored readings for the event: {stored:,}; occupancy {occupancy.occupancy:,} "
          f"(entries {occupancy.entries:,})")
    median, p95 = timed(lambda: selectors.event_occupancy(event), args.iterations)
    print(f"occupancy query (zones + event):   median {median:6.2f} ms  p95 {p95:6.2f} ms  "
          f"(target < {TARGET_QUERY_MS:g} ms)  {'OK' if p95 < TARGET_QUERY_MS else 'ABOVE TARGET'}")
    results.add(f"live occupancy query over a day of readings ({stored:,} stored)",
                f"p50 {median:.1f} ms, p95 {p95:.1f} ms", f"< {TARGET_QUERY_MS:g} ms", p95 < TARGET_QUERY_MS)
    results.write()
    median, p95 = timed(lambda: occupancy_payload(event), max(args.iterations // 3, 20))
    print(f"full occupancy payload + last hour: median {median:6.2f} ms  p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()
