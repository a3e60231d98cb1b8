"""Benchmark: risk assessment of 10,000 applications — pure scoring, and the full path from the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/risk.py

DATABASE_URL names the PostgreSQL server; the benchmark works in its own database on it (anbao_bench_risk, or
--database), created and migrated on the first run and seeded once with 10,000 submitted applications (venues
with exits, lineups with struck acts, plan sections, overdue deferred documents, drills and accountability
records); --reseed starts over. It then prints:
  1. pure scoring: riskassess.scoring.assess on facts already in memory, per CPU-second of this process
     (time.process_time: fair on a busy machine). Its floor is the target, ≥ 20,000 assessments per CPU-second
     (issue 15); the figure and its ratio to the floor are printed from the same run;
  2. pure scoring plus the stored JSON form (what every stored assessment costs in Python);
  3. the full path: approvals.risk.bridge.assess_applications loading the applications from the database in batches,
     scoring and storing an Assessment each — with its query count, which must not grow with the batch count
     beyond a fixed number per batch;
  4. the read-only check the approve guard and the dashboard use (fuse flags, nothing stored).

Profile of the pure scoring before issue 15's change (cProfile, 10,000 assessments, 4,400 per CPU-second on
this 2-CPU machine at load 10): 25 factor functions each building two Text objects (580,000 `_text` calls,
600,000 `gettext_noop` calls) and a FactorScore dataclass, `score_factors` re-deriving every weight sum per
assessment, `required_deployment` building its six constant texts, `crowd_figures` computing the exits' flow
three times. Now a factor is a severity function (no allocation) and a texts function called only when the
texts are read; weights are worked out once per set of parameters; the deployment is built when read: about
15,000–22,000 per CPU-second at load 18–22 (the CPU itself ran ~2.5× slower than idle then: a sum of 100
integers cost 1 µs of CPU).
"""
import argparse
import gc
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import Results, configure_django, ensure_database  # noqa: E402
ROWS = 10_000
VENUES = 200
ORGANISATIONS = 100
COMPANIES = 10
REFERENCE_PREFIX = "BR"
TARGET_PURE = 20_000  # assessments per CPU-second (issue 15)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="anbao_bench_risk", help="database to create/reuse")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--reseed", action="store_true", help="delete the seeded rows and seed again")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------- seeding


def seeded_ids(rows: int) -> list[int]:
    from approvals.models import Application

    return list(Application.objects.filter(reference__startswith=REFERENCE_PREFIX).order_by("pk")
                .values_list("pk", flat=True)[:rows])


def delete_seed() -> None:
    from approvals.models import Application, ApplicationDocument, AuditEntry, SectionEntry
    from events.models import Event
    from riskassess.models import Assessment

    applications = Application.objects.filter(reference__startswith=REFERENCE_PREFIX)
    Assessment.objects.filter(application__in=applications).delete()
    SectionEntry.objects.filter(application__in=applications).delete()
    ApplicationDocument.objects.filter(application__in=applications).delete()
    AuditEntry.objects.filter(application__in=applications)._raw_delete(AuditEntry.objects.db)
    event_ids = list(applications.values_list("event_id", flat=True))
    applications.delete()
    Event.objects.filter(pk__in=event_ids).delete()


def seed(rows: int) -> None:
    """Bulk-insert what the risk model reads; realistic spreads, fixed seed so runs compare."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from approvals.models import Application, ApplicationDocument, CatalogueVersion, SectionEntry
    from events.models import (
        AccountabilityRecord, Authority, Event, EventSession, Organisation, Performer, Song, TrainingDrill, Venue,
        VenueExit,
    )

    rng = random.Random(505)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        city, _ = Authority.objects.get_or_create(name="基准市公安局", defaults={"kind": "police", "level": "city"})
        district, _ = Authority.objects.get_or_create(
            name="基准区公安分局", defaults={"kind": "police", "level": "district", "parent": city})
        organisations = [Organisation.objects.get_or_create(name=f"基准演出公司{i}")[0] for i in range(ORGANISATIONS)]
        companies = [Organisation.objects.get_or_create(name=f"基准保安公司{i}",
                                                        defaults={"kind": "security_company"})[0]
                     for i in range(COMPANIES)]
        user, _ = User.objects.get_or_create(username="bench-risk", defaults={"organisation": organisations[0]})
        catalogue = CatalogueVersion.objects.get(is_current=True)
        sections = {s.code: s for s in catalogue.plan_sections.filter(
            code__in=["security_staff", "buffer_zones", "ticketing_screening", "traffic"])}
        insurance = catalogue.document_types.get(code="liability_insurance")
        venues = Venue.objects.bulk_create([
            Venue(name=f"基准场所{i}", address="基准路", district=district, usable_area_m2=rng.choice(
                [3000, 8000, 12000, 20000, 60000]), setting=rng.choice(["outdoor", "outdoor", "indoor"]),
                parking_spaces=rng.randint(0, 3000), public_transport=rng.random() < 0.7)
            if i % 10 else  # every tenth a course (a route venue)
            Venue(name=f"基准赛道{i}", address="基准路", district=district, kind="route", setting="outdoor",
                  route_length_km=Decimal(rng.choice(["5", "10", "21.0975", "42.195"])).quantize(Decimal("0.001")),
                  route_width_m=Decimal(rng.choice([6, 8, 12])), start_area_m2=rng.choice([5000, 15000, 30000]),
                  finish_area_m2=rng.choice([8000, 20000]), usable_area_m2=100000, parking_spaces=rng.randint(0, 3000))
            for i in range(VENUES)])
        VenueExit.objects.bulk_create([
            VenueExit(venue=venue, name=f"{n}号门", width_m=Decimal(rng.choice([3, 4, 6, 8, 12])),
                      kind=rng.choice(["level", "level", "steps"]))
            for venue in venues for n in range(rng.randint(1, 6))])
        TrainingDrill.objects.bulk_create([
            TrainingDrill(company=c, held_on=today - timedelta(days=rng.randint(1, 500)), scenario="疏散演练",
                          guards_trained=rng.randint(20, 200)) for c in companies for _ in range(3)])
        AccountabilityRecord.objects.bulk_create([
            AccountabilityRecord(company=c, decided_on=today - timedelta(days=rng.randint(1, 1500)),
                                 severity=rng.choice(["warning", "penalty", "serious"]), description="基准")
            for c in companies[:4]])
        kinds = ["music_festival", "sports", "exhibition", "lantern_festival", "camping", "other"]
        events = []
        for i in range(rows):
            attendance = rng.choice([1500, 3000, 5000, 8000, 12000, 20000, 30000])
            start = now + timedelta(days=rng.randint(5, 120), hours=rng.randint(0, 23))
            kind = rng.choice(kinds)
            events.append(Event(
                name=f"基准活动{i}", kind=kind, venue=rng.choice(venues), organisation=rng.choice(organisations),
                security_company=rng.choice(companies + [None]), start_at=start,
                end_at=start + timedelta(hours=rng.randint(2, 12)), expected_attendance=attendance,
                rated_capacity=int(attendance * rng.uniform(0.9, 1.6)), ticketed=rng.random() < 0.8,
                temporary_structures=rng.randint(0, 8), has_performances=kind == "music_festival",
                alcohol_served=rng.random() < 0.3))
        events = Event.objects.bulk_create(events, batch_size=2000)
        sessions = []  # one session per event, two for a fifth of them (a second evening)
        for event in events:
            sessions.append(EventSession(event=event, start_at=event.start_at, end_at=event.end_at,
                                         expected_attendance=event.expected_attendance))
            if rng.random() < 0.2:
                sessions.append(EventSession(event=event, name="第二场", start_at=event.start_at + timedelta(days=1),
                                             end_at=event.end_at + timedelta(days=1),
                                             expected_attendance=event.expected_attendance // 2))
        EventSession.objects.bulk_create(sessions, batch_size=5000)
        performers = Performer.objects.bulk_create([
            Performer(event=event, name=f"乐队{n}", genre_intensity=rng.randint(1, 5),
                      audience_interaction=rng.randint(1, 5), order=n,
                      vetting_status="struck" if rng.random() < 0.03 else "approved")
            for event in events if event.has_performances for n in range(rng.randint(1, 4))], batch_size=2000)
        Song.objects.bulk_create([
            Song(performer=p, title=f"歌曲{n}", order=n, vetting_status="struck" if rng.random() < 0.02 else "approved")
            for p in performers for n in range(3)], batch_size=5000)
        applications = Application.objects.bulk_create([
            Application(reference=f"{REFERENCE_PREFIX}{i:08d}", event=event, organisation=event.organisation,
                        district=district, catalogue=catalogue, created_by=user, state="submitted",
                        submitted_at=now)
            for i, event in enumerate(events)], batch_size=2000)
        entries = []
        for application, event in zip(applications, events):
            staff = int(event.expected_attendance / rng.choice([40, 80, 120, 200, 300]))
            entries += [
                SectionEntry(application=application, section=sections["security_staff"], updated_by=user, data={
                    "security_staff_total": staff, "fixed_posts": rng.randint(1, 10),
                    "patrol_posts": rng.randint(1, 10), "mobile_points": rng.randint(3, 8)}),
                SectionEntry(application=application, section=sections["buffer_zones"], updated_by=user,
                             data={"core_area_m2": 2000, "warning_area_m2": 5000}),
                SectionEntry(application=application, section=sections["ticketing_screening"], updated_by=user, data={
                    "screening_lanes": 10, "real_name_tickets": rng.random() < 0.7,
                    "public_sale_percent": rng.choice([60, 85, 90]), "refund_mechanism": rng.random() < 0.8}),
                SectionEntry(application=application, section=sections["traffic"], updated_by=user, data={
                    "parking_spaces_arranged": rng.randint(0, 2000), "shuttle_buses": rng.randint(0, 20),
                    "road_closures": rng.random() < 0.3}),
            ]
        SectionEntry.objects.bulk_create(entries, batch_size=5000)
        ApplicationDocument.objects.bulk_create([
            ApplicationDocument(application=a, document_type=insurance, status="deferred",
                                deferred_due_date=today + timedelta(days=rng.randint(-5, 20)))
            for a in applications if rng.random() < 0.1], batch_size=5000)
    print(f"seeded {rows:,} applications")


# ---------------------------------------------------------------------------------------------- timing


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def load_all_facts(ids):
    """Facts for every application, built once so the pure scoring can be timed alone."""
    from django.conf import settings
    from django.utils import timezone, translation

    from approvals.risk import bridge as risk
    from riskassess.facts import SecurityCompanyRecord
    from riskassess.services import forecast_from_json

    facts = []
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        for chunk in risk._chunks(ids):
            applications, rows = risk._applications_for_facts(chunk, today=timezone.localdate(now))
            organisers = risk._organiser_records({a.organisation_id for a in applications}, now=now)
            companies = risk._company_records({a.event.security_company_id: a.event.security_company.name
                                               for a in applications if a.event.security_company_id},
                                              today=timezone.localdate(now))
            for a in applications:
                facts.append(risk.event_facts(
                    a, rows, organiser=organisers[a.organisation_id],
                    company=companies.get(a.event.security_company_id, SecurityCompanyRecord()),
                    forecast=forecast_from_json(None), kind_labels=risk.kind_labels()))
    return facts


def rate(count, seconds):
    return count / seconds if seconds else float("inf")


class Clock:
    """Wall time and this process's CPU time (the database's work shows in the wall time only)."""

    def __init__(self):
        self.wall_start, self.cpu_start = time.perf_counter(), time.process_time()

    def stop(self):
        self.wall = time.perf_counter() - self.wall_start
        self.cpu = time.process_time() - self.cpu_start
        return self

    def line(self, n):
        return f"{rate(n, self.wall):>12,.0f} {rate(n, self.cpu):>15,.0f}  ({self.wall:.2f} s)"


def main():
    args = parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    configure_django(ensure_database(server, args.database))
    from django.core.management import call_command
    from django.db import connection

    from approvals.risk import bridge as risk
    from riskassess import scoring
    from riskassess.models import Assessment
    from riskassess.selectors import current_model_version
    from riskassess.services import memoised_gettext, result_as_json

    call_command("migrate", verbosity=0)
    if args.reseed:
        delete_seed()
    ids = seeded_ids(args.rows)
    if len(ids) < args.rows:
        delete_seed()
        seed(args.rows)
        ids = seeded_ids(args.rows)
    n = len(ids)
    params = current_model_version().parameters()

    facts = load_all_facts(ids)
    # The loaded facts live for the whole run: keep the cyclic garbage collector from rescanning them.
    gc.collect()
    gc.freeze()
    levels, flagged = {}, 0
    clock = Clock()
    for f in facts:
        result = scoring.assess(f, params)
        levels[result.level] = levels.get(result.level, 0) + 1
        flagged += bool(result.fuse_flags)
    pure = clock.stop()
    clock = Clock()
    translate = memoised_gettext()
    for f in facts:
        result_as_json(scoring.assess(f, params), params, translate)
    pure_and_stored_form = clock.stop()

    Assessment.objects.filter(application_id__in=ids).delete()
    with connection.cursor() as cursor:  # earlier runs' deleted rows would slow the inserts down
        cursor.execute("VACUUM ANALYZE riskassess_assessment")
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        clock = Clock()
        stored = risk.assess_applications(ids, trigger="bench")
        full = clock.stop()
    full_queries = counter.count

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        clock = Clock()
        risk.fuse_flags_by_application(ids)
        check = clock.stop()
    batches = -(-n // risk.BATCH_SIZE)

    print(f"risk assessment of {n:,} applications (batches of {risk.BATCH_SIZE}, {batches} batches)")
    print(f"  levels: " + ", ".join(f"{k} {v:,}" for k, v in sorted(levels.items())) + f"; with fuse flags {flagged:,}")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: on a busy machine the per "
          f"CPU-second figure is the fair one)")
    print(f"                                  {'per second':>12} {'per CPU-second':>15}")
    figure = rate(n, pure.cpu)
    print(f"  1. pure scoring                 {pure.line(n)}")
    print(f"     floor {TARGET_PURE:,} per CPU-second · figure {figure:,.0f} · ratio {figure / TARGET_PURE:.2f}× "
          f"{'OK' if figure >= TARGET_PURE else 'MISSED'}")
    results = Results("risk", "`bench/risk.py`")
    results.add(f"risk assessment, pure scoring of {n:,} applications", f"{figure:,.0f} per CPU-second",
                f"≥ {TARGET_PURE:,} per CPU-second", figure >= TARGET_PURE)
    results.write()
    print(f"  2. pure scoring + stored form   {pure_and_stored_form.line(n)}")
    print(f"  3. full path, stored            {full.line(n)}  "
          f"{full_queries} queries = {full_queries / batches:.0f} per batch; {len(stored):,} assessments stored")
    print(f"  4. fuse-flag check, not stored  {check.line(n)}  "
          f"{counter.count} queries = {counter.count / batches:.0f} per batch")


if __name__ == "__main__":
    main()
