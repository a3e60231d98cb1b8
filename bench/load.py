"""Load: the main journeys under 50 concurrent users, gunicorn and PostgreSQL on loopback, 100,000 applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py [--users 50]
        [--spawn-rate 10] [--duration 60] [--workers 3] [--applications 100000] [--reseed]

DATABASE_URL names the PostgreSQL server; the run works in its own database there (anbao_bench_load, created,
migrated and seeded on the first run and reused after; --reseed starts over). Seeding loads the demo data
(manage.py load_demo) and scales it up to --applications applications across the demo organisations and the
two demo districts (the demo organizer owns a quarter, the demo reviewer's district half), granted as the
services grant them. Then the script
1. signs in session keys for the demo organizer and reviewer (so that no password hashing runs during the
   measurement) and writes the ids each journey reads (bench/locustfile.py reads them);
2. starts gunicorn (config.wsgi, --workers sync workers, DEBUG off, persistent database connections) on a free
   port of 127.0.0.1 only;
3. runs locust headless for --duration seconds with --users users spawned at --spawn-rate per second;
4. stops gunicorn (by its process id) and prints, per journey, requests, throughput (req/s), median and 95th
   percentile latency as the client saw it (ms, queueing for a free gunicorn worker included), the error count
   (must be 0), and the median and 95th percentile of the server time: the time Django spent on the request
   (the Server-Timing header of config.middleware.ServerTimingMiddleware, written to gunicorn's access log),
   and its CPU time. Target: client p95 < 300 ms, 0 errors. Exit status 1 if any request failed.
"""
import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import Results, ensure_database  # noqa: E402
VENV = REPO / ".venv" / "bin"
REFERENCE_PREFIX = "LD"
TARGET_P95_MS = 300.0
SESSIONS_PER_ROLE = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="anbao_bench_load")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument("--wait", default="0.2,0.8", help="think time per user, min,max seconds (0.2,0.8)")
    parser.add_argument("--reseed", action="store_true")
    return parser.parse_args()


def server_env(database_url: str, media_root: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DEBUG": "false", "LOG_LEVEL": "ERROR", "DB_CONN_MAX_AGE": "60", "MEDIA_ROOT": media_root,
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    env.pop("REDIS_URL", None)  # local-memory cache, tasks queued to the filesystem transport: nothing outside
    env.pop("CELERY_BROKER_URL", None)  # this machine's loopback (the journeys only read)
    return env


def configure_django(env: dict) -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------- data


def seed(target: int) -> None:
    """The demo, then bulk applications up to `target`, with the permission rows the services would write."""
    import io

    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from approvals.models import Application, ApplicationGroupObjectPermission, ApplicationState
    from approvals.applications.selectors import current_catalogue
    from events.models import Authority, Event, Organisation, Venue

    if not User.objects.filter(username="organizer").exists():
        started = time.perf_counter()
        call_command("load_demo", stdout=io.StringIO())
        print(f"demo loaded in {time.perf_counter() - started:.0f} s")
    have = Application.objects.count()
    missing = target - have
    if missing <= 0:
        return
    rng = random.Random(7)
    organizer = User.objects.get(username="organizer")
    reviewer = User.objects.get(username="reviewer")
    own = organizer.organisation
    others = list(Organisation.objects.exclude(pk=own.pk).filter(kind=Organisation.Kind.ORGANIZER)) or [own]
    district = reviewer.authority
    other_district = Authority.objects.filter(kind=district.kind, level=district.level).exclude(pk=district.pk) \
        .first() or district
    city = district.parent
    venues = {d.pk: list(Venue.objects.filter(district=d)) or [Venue.objects.create(
        name=f"{d.name}负载场馆", address="负载路1号", district=d, usable_area_m2=20000)]
        for d in (district, other_district)}
    perms = {codename: Permission.objects.get(content_type__app_label="approvals", codename=codename).pk
             for codename in ("view_application", "change_application", "review_application")}
    states = [ApplicationState.SUBMITTED] * 3 + [ApplicationState.ACCEPTED, ApplicationState.UNDER_REVIEW,
                                                  ApplicationState.APPROVED, ApplicationState.ACCEPTED_DEFERRED,
                                                  ApplicationState.REJECTED, ApplicationState.COMPLETED,
                                                  ApplicationState.DRAFT]
    catalogue = current_catalogue()
    now = timezone.now()
    with transaction.atomic():
        events, applications = [], []
        for n in range(missing):
            organisation = own if n % 4 == 0 else others[n % len(others)]
            where = district if n % 2 == 0 else other_district
            start = now + timedelta(days=rng.randint(-60, 120), hours=rng.randint(0, 23))
            attendance = rng.choice([1200, 2500, 4000, 6000, 12000])
            events.append(Event(name=f"负载测试活动{n:05d}", kind=rng.choice(Event.Kind.values),
                                venue=rng.choice(venues[where.pk]), organisation=organisation, start_at=start,
                                end_at=start + timedelta(hours=6), expected_attendance=attendance,
                                rated_capacity=attendance * 2))
        Event.objects.bulk_create(events)
        for n, event in enumerate(events):
            state = rng.choice(states)
            applications.append(Application(
                reference=f"{REFERENCE_PREFIX}{n:08d}", event=event, organisation_id=event.organisation_id,
                district_id=event.venue.district_id, catalogue=catalogue, state=state, created_by=organizer,
                submitted_at=None if state == ApplicationState.DRAFT else now - timedelta(days=rng.randint(0, 90)),
                needs_city_decision=event.expected_attendance >= 5000,
                security_level=rng.choice(["", "一级", "二级", "三级", "四级"])))
        Application.objects.bulk_create(applications)
        organisation_groups = dict(Organisation.objects.values_list("pk", "group_id"))
        authority_groups = dict(Authority.objects.values_list("pk", "group_id"))
        rows = io.StringIO()
        for application in applications:
            organisation_group = organisation_groups[application.organisation_id]
            grants = [(organisation_group, "view_application"), (organisation_group, "change_application")]
            if application.state != ApplicationState.DRAFT:
                district_group = authority_groups[application.district_id]
                grants += [(district_group, "view_application"), (district_group, "review_application")]
                if city is not None:
                    grants += [(city.group_id, "view_application"), (city.group_id, "review_application")]
            for group_id, codename in grants:
                rows.write(f"{perms[codename]}\t{group_id}\t{application.pk}\n")
        rows.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {ApplicationGroupObjectPermission._meta.db_table} "
                                      f"(permission_id, group_id, content_object_id) FROM STDIN", rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"scaled up to {Application.objects.count():,} applications")


def targets(path: Path) -> dict:
    """Session keys per role and the ids the journeys read; written for the locustfile."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from approvals.applications.selectors import applications_visible_to
    from eventday.models import Zone
    from riskassess.models import Assessment

    sessions = {}
    for role in ("organizer", "reviewer"):
        user = User.objects.get(username=role)
        keys = []
        for _ in range(SESSIONS_PER_ROLE):
            store = SessionStore()
            store["_auth_user_id"] = str(user.pk)
            store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            store["_auth_user_hash"] = user.get_session_auth_hash()
            store.set_expiry(settings.SESSION_COOKIE_AGE)
            store.create()
            keys.append(store.session_key)
        sessions[role] = keys
    organizer, reviewer = User.objects.get(username="organizer"), User.objects.get(username="reviewer")
    organizer_ids = list(applications_visible_to(organizer).values_list("pk", flat=True)[:200])
    reviewer_ids = set(applications_visible_to(reviewer).values_list("pk", flat=True))
    assessed = [pk for pk in Assessment.objects.values_list("application_id", flat=True).distinct()
                if pk in reviewer_ids] or sorted(reviewer_ids)[:20]
    event = Zone.objects.filter(event__application__pk__in=reviewer_ids).values_list("event_id", flat=True).first()
    data = {"sessions": sessions, "organizer_applications": organizer_ids, "risk_applications": assessed[:50],
            "event": event, "reviewer_visible": len(reviewer_ids), "organizer_visible": len(organizer_ids)}
    path.write_text(json.dumps(data))
    return data


# ---------------------------------------------------------------------------------------------- the run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(port: int, timeout: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


JOURNEY_PATHS = [  # gunicorn access-log path → journey (the names bench/locustfile.py gives its requests)
    (r"^/api/applications/$", "API list"), (r"^/api/eventday/events/\d+/occupancy/$", "event-day occupancy"),
    (r"^/applications/$", "organizer list"), (r"^/applications/\d+/$", "organizer detail"),
    (r"^/applications/\d+/risk/$", "risk page"), (r"^/applications/inbox/$", "reviewer inbox")]


def server_times(log: Path) -> dict[str, tuple[float, float, float]]:
    """Per journey: median and 95th percentile of the time Django spent on its requests (Server-Timing app,
    no queueing), and the median CPU time of those requests."""
    import re
    import statistics

    times: dict[str, list[tuple[float, float]]] = {}
    for line in log.read_text(errors="replace").splitlines():
        match = re.match(r'^\d{3} \d+ms "GET (\S+) [^"]*" app;dur=([\d.]+), cpu;dur=([\d.]+)', line)
        if not match:
            continue
        path = match.group(1).split("?")[0]
        name = next((n for pattern, n in JOURNEY_PATHS if re.match(pattern, path)), None)
        if name:
            times.setdefault(name, []).append((float(match.group(2)), float(match.group(3))))
    times["ALL"] = [t for name, v in list(times.items()) for t in v]
    result = {}
    for name, values in times.items():
        if not values:
            continue
        served = sorted(v[0] for v in values)
        result[name] = (statistics.median(served), served[max(int(round(len(served) * 0.95)) - 1, 0)],
                        statistics.median(v[1] for v in values))
    return result


def main() -> int:
    args = parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url:
        sys.exit("set DATABASE_URL to a PostgreSQL server (the run works in its own database there)")
    database_url = ensure_database(server_url, args.database, fresh=args.reseed)
    workdir = Path(tempfile.mkdtemp(prefix="anbao-load-"))
    env = server_env(database_url, str(workdir / "media"))
    configure_django(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.applications)
    info = targets(workdir / "targets.json")
    from django.db import connections

    connections.close_all()
    print(f"data: {args.applications:,} applications; organizer detail pages drawn from {info['organizer_visible']} "
          f"of its own, the reviewer sees {info['reviewer_visible']}; risk pages {len(info['risk_applications'])}; "
          f"event-day event {info['event']}")

    port = free_port()
    server = subprocess.Popen(
        [str(VENV / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--timeout", "60", "--log-level", "warning", "--access-logfile", "-",
         "--access-logformat", '%(s)s %(M)sms "%(r)s" %({server-timing}o)s'], cwd=REPO, env=env,
        stdout=open(workdir / "gunicorn.log", "w"), stderr=subprocess.STDOUT)
    try:
        wait_for_http(port)
        prefix = workdir / "locust"
        locust_env = {**env, "LOAD_TARGETS": str(workdir / "targets.json"), "LOAD_WAIT": args.wait}
        started = time.monotonic()
        load_before = os.getloadavg()
        subprocess.run(
            [str(VENV / "locust"), "-f", str(REPO / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
             "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
            cwd=REPO, env=locust_env, check=False, timeout=args.duration + 120,
            stdout=open(workdir / "locust.log", "w"), stderr=subprocess.STDOUT)
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()
    finally:
        stop(server)

    rows = read_stats(prefix)
    served = server_times(workdir / "gunicorn.log")
    print(f"locust: {args.users} users (spawn {args.spawn_rate}/s, think time {args.wait} s), {args.duration} s, "
          f"gunicorn {args.workers} sync workers on 127.0.0.1, PostgreSQL; wall {elapsed:.0f} s")
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, after: "
          f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} ({os.cpu_count()} CPUs)")
    print("client: latency as locust saw it (queueing for a free worker included); server: the time Django spent "
          "(Server-Timing), and its CPU time; ms")
    print(f"{'journey':<22}{'requests':>9}{'req/s':>8}{'client p50':>11}{'p95':>7}{'p99':>7}{'errors':>8}"
          f"{'server p50':>12}{'p95':>7}{'CPU p50':>9}")
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        errors += int(row["Failure Count"]) if name == "ALL" else 0
        median, p95, cpu = served.get(name, (float("nan"),) * 3)
        print(f"{name:<22}{row['Request Count']:>9}{float(row['Requests/s']):>8.1f}{row['50%']:>11}"
              f"{row['95%']:>7}{row['99%']:>7}{row['Failure Count']:>8}{median:>12.0f}{p95:>7.0f}{cpu:>9.0f}")
    aggregate = next((row for row in rows if row["Name"] == "Aggregated"), None)
    if aggregate is not None:
        met = float(aggregate["95%"]) < TARGET_P95_MS and errors == 0
        results = Results("load", "`bench/load.py`")
        results.load_before = load_before
        everything = served.get("ALL", (float("nan"),) * 3)
        results.add(f"load: {args.users} users for {args.duration} s on gunicorn ({args.workers} workers) + "
                    f"PostgreSQL, {args.applications:,} applications, {aggregate['Request Count']} requests",
                    f"client p95 {aggregate['95%']} ms (p50 {aggregate['50%']}), {errors} errors; server p50 "
                    f"{everything[0]:.0f} ms, p95 {everything[1]:.0f} ms", f"client p95 < {TARGET_P95_MS:g} ms, 0 errors",
                    met)
        results.write()
        print(f"target: client p95 < {TARGET_P95_MS:g} ms and 0 errors: "
              + ("met" if met else f"NOT MET (p95 {aggregate['95%']} ms, {errors} errors)"))
    print(f"errors: {errors}" + ("" if errors == 0 else f" (see {workdir}/locust_failures.csv)"))
    print(f"logs and CSV: {workdir}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
