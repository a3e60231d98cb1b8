"""Benchmark: the reviewer inbox page and the applications list endpoint against a raw SQL floor, at 10,000,
100,000 and 1,000,000 applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/inbox.py [--rows 10000,100000]

DATABASE_URL names the PostgreSQL server. Each size works in its own database there (perf_inbox_10k, _100k, _1m:
created, migrated and seeded by set-based SQL on the first run, reused after; --reseed starts over), in a child
process of its own. For a district reviewer (sees a tenth) and a city reviewer (sees all) it times, in-process
(django.test.Client, the full middleware stack, DEBUG off) and taking turns round by round:

- the floor: the same page of the same rows by one raw indexed SQL query over psycopg2 (no ORM, no permission
  code: the rows are chosen by the bureau's districts, which is what the grants say for this data), plus the
  same bounded count the page shows; the bench checks both return the ids the page shows;
- the inbox page (/applications/inbox/?sort=submitted&page=2) and the list endpoint
  (/api/applications/?ordering=submitted_at&page=2), each with its ratio to the floor;
- the inbox in its default order (urgency, page 1) and its own floor (the stored, indexed next-deadline column);

then the query counts at page sizes 10, 25 and 100 (they must not grow). It prints the load average beside the
figures and writes bench/results/inbox-<size>.json for bench/report.py. Targets (issue 15): p50 ≤ 50 ms and
≤ 5× the floor at 100,000; at 1,000,000 within 2× of the 100,000 figure.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import configure_django, ensure_database, load_average  # noqa: E402

RESULTS = REPO / "bench" / "results"
PAGE_SIZES = (10, 25, 100)
TARGET_MS, TARGET_RATIO, TARGET_GROWTH = 50, 5, 2
URGENCY_ROUNDS = 5
# The urgency order walks the stored next-deadline index (application_deadline_idx) at every size.
URGENCY_MAX_ROWS = 1_000_000


def size_label(rows: int) -> str:
    return f"{rows // 1_000_000}m" if rows % 1_000_000 == 0 else f"{rows // 1000}k"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000",
                        help="comma-separated sizes (default 10000,100000,1000000)")
    parser.add_argument("--database-prefix", default="perf_inbox")
    parser.add_argument("--iterations", type=int, default=40, help="timed rounds per user (default 40)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reseed", action="store_true", help="drop the databases and seed again")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process: measure one size
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------- the floor

FLOOR_COLUMNS = """a.id, a.reference, a.state, a.submitted_at, a.is_late, a.needs_city_decision, a.security_level,
    e.name, e.start_at, e.expected_attendance, v.name, o.name, d.name, r.full_name"""
FLOOR_JOINS = """FROM approvals_application a JOIN events_event e ON e.id = a.event_id
    JOIN events_venue v ON v.id = e.venue_id JOIN events_organisation o ON o.id = a.organisation_id
    JOIN events_authority d ON d.id = a.district_id LEFT JOIN accounts_user r ON r.id = a.assigned_reviewer_id"""
# The stored soonest clock (Application.next_deadline, which the seed fills): the urgency floor orders by it.
FLOOR_DEADLINE = "a.next_deadline"


def floor_page(cursor, districts: list, *, order: str, offset: int, limit: int, horizon: int) -> list:
    """The page's rows and its bounded count, by SQL alone; returns the ids in order."""
    cursor.execute(f"SELECT {FLOOR_COLUMNS}, {FLOOR_DEADLINE} AS next_deadline {FLOOR_JOINS} "
                   f"WHERE a.district_id = ANY(%s) AND a.state <> 'draft' ORDER BY {order} LIMIT %s OFFSET %s",
                   [districts, limit, offset])
    ids = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT count(*) FROM (SELECT 1 FROM approvals_application a "
                   "WHERE a.district_id = ANY(%s) AND a.state <> 'draft' LIMIT %s) AS bounded",
                   [districts, horizon + 1])
    cursor.fetchone()
    return ids


# ---------------------------------------------------------------------------------------------- one size


def page_ids(response) -> list:
    """The application ids a response lists, in order (the JSON rows, or the inbox table's detail links)."""
    import re

    if response.get("Content-Type", "").startswith("application/json"):
        return [row["id"] for row in response.json()["results"]]
    table = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(pk) for pk in re.findall(r'<td class="text-nowrap"><a href="/applications/(\d+)/"', table)]


def query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def check_seed_grants(sample: int = 20) -> None:
    """The seeder writes grants by SQL: they must be what approvals.access would write."""
    from approvals import access
    from approvals.models import Application, ApplicationGroupObjectPermission

    for application in Application.objects.order_by("?")[:sample]:
        wanted, _users = access.application_grants_wanted(application.pk)
        seeded = set(ApplicationGroupObjectPermission.objects.filter(content_object=application)
                     .values_list("group_id", "permission__codename"))
        assert seeded == wanted, (application.reference, seeded ^ wanted)


def measure(rows: int, args) -> dict:
    import psycopg2
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from approvals.applications import selectors, views
    from approvals.models import Application
    from bench.common import seed_applications, seed_world, seeded_count
    from events.models import Authority

    call_command("migrate", verbosity=0)
    if seeded_count() < rows:
        seed_applications(rows)
    check_seed_grants()
    world = seed_world()
    floor_connection = psycopg2.connect(os.environ["DATABASE_URL"], options="-c jit=off")  # as the app's settings
    floor_connection.autocommit = True
    floor = floor_connection.cursor()
    page, per_page = 2, views.INBOX_PAGE_SIZE
    lookahead = selectors.BoundedCountPaginator.lookahead
    horizon = page * per_page + lookahead
    result = {"rows": rows, "applications": Application.objects.count(), "load_before": load_average(),
              "page": page, "page_size": per_page, "users": {}}
    with override_settings(DEBUG=False):
        for label, user in (("district reviewer", world["reviewer"]), ("city reviewer", world["city_reviewer"])):
            client = Client()
            client.force_login(user)
            authority = user.authority
            districts = [authority.pk, *Authority.objects.filter(parent=authority).values_list("pk", flat=True)]
            targets = {
                "floor": lambda: floor_page(floor, districts, order="a.submitted_at, a.id",
                                            offset=(page - 1) * per_page, limit=per_page, horizon=horizon),
                "inbox page": f"/applications/inbox/?sort=submitted&page={page}",
                "list endpoint": f"/api/applications/?ordering=submitted_at&page={page}&page_size={per_page}",
            }
            if rows <= URGENCY_MAX_ROWS:
                targets["urgency floor"] = lambda: floor_page(
                    floor, districts, order="a.next_deadline NULLS LAST, e.start_at, a.id", offset=0, limit=per_page,
                    horizon=per_page + lookahead)
                targets["inbox by urgency"] = "/applications/inbox/"
            # The floors return what the pages show.
            first = {name: (target() if callable(target) else page_ids(client.get(target)))
                     for name, target in targets.items()}
            assert first["floor"] == first["inbox page"] == first["list endpoint"], first
            if "inbox by urgency" in first:
                assert first["urgency floor"] == first["inbox by urgency"], (first["urgency floor"],
                                                                             first["inbox by urgency"])
            timings = {name: [] for name in targets}
            cpu = {name: [] for name in targets}
            for round_number in range(args.warmup + args.iterations):
                for name, target in targets.items():
                    if "urgency" in name and round_number >= args.warmup + URGENCY_ROUNDS:
                        continue  # seconds per request at a million rows: a few rounds say enough
                    started, started_cpu = time.perf_counter(), time.process_time()
                    if callable(target):
                        target()
                    else:
                        response = client.get(target)
                        assert response.status_code == 200, (target, response.status_code)
                    if round_number >= args.warmup:
                        timings[name].append((time.perf_counter() - started) * 1000)
                        cpu[name].append((time.process_time() - started_cpu) * 1000)
            visible = Application.objects.filter(district__in=districts).count()
            result["users"][label] = {
                "sees": visible,
                "p50": {name: statistics.median(values) for name, values in timings.items()},
                "p95": {name: statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
                        for name, values in timings.items()},
                "cpu_p50": {name: statistics.median(values) for name, values in cpu.items()},
            }

        client = Client()
        client.force_login(world["reviewer"])
        counts = {}
        original = views.INBOX_PAGE_SIZE
        try:
            for name, url in (("inbox page", "/applications/inbox/?sort=submitted&page=2"),
                              ("list endpoint", "/api/applications/?ordering=submitted_at&page=2&page_size={size}")):
                counts[name] = []
                for size in PAGE_SIZES:
                    views.INBOX_PAGE_SIZE = size
                    query_count(client, url.format(size=size))  # the first request of a size warms caches
                    counts[name].append(query_count(client, url.format(size=size)))
        finally:
            views.INBOX_PAGE_SIZE = original
        result["query_counts"] = counts
    result["load_after"] = load_average()
    floor_connection.close()
    connection.close()
    return result


def print_size(result: dict) -> None:
    print(f"\n{result['applications']:,} applications; page {result['page']} of {result['page_size']}; "
          f"load average {result['load_before'][0]:.1f} before, {result['load_after'][0]:.1f} after")
    for label, user in result["users"].items():
        p50, p95, cpu = user["p50"], user["p95"], user["cpu_p50"]
        print(f"  {label} (sees {user['sees']:,})")
        print(f"    {'what':<18} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'× floor':>8}")
        for name in p50:
            base = p50["urgency floor" if "urgency" in name else "floor"]
            ratio = "" if "floor" in name else f"{p50[name] / base:7.1f}×"
            verdict = ""
            if name in ("inbox page", "list endpoint"):
                ok = p50[name] <= TARGET_MS and p50[name] / base <= TARGET_RATIO
                verdict = "  ok" if ok else f"  OVER (≤ {TARGET_MS} ms and ≤ {TARGET_RATIO}×)"
            print(f"    {name:<18} {p50[name]:>8.1f} {p95[name]:>8.1f} {cpu[name]:>8.1f} {ratio:>8}{verdict}")
    print(f"  queries at page sizes {', '.join(map(str, PAGE_SIZES))} (district reviewer):")
    for name, counts in result["query_counts"].items():
        print(f"    {name:<18} {' / '.join(map(str, counts))}  {'constant' if len(set(counts)) == 1 else 'GROWS'}")


def main():
    args = parse_args()
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        sys.exit(__doc__)
    if args.one:
        configure_django(ensure_database(server_url, f"{args.database_prefix}_{size_label(args.one)}"))
        result = measure(args.one, args)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"inbox-{size_label(args.one)}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
        print_size(result)
        return
    sizes = [int(size) for size in args.rows.split(",")]
    for rows in sizes:
        ensure_database(server_url, f"{args.database_prefix}_{size_label(rows)}", fresh=args.reseed)
        command = [sys.executable, __file__, "--one", str(rows), "--database-prefix", args.database_prefix,
                   "--iterations", str(args.iterations), "--warmup", str(args.warmup)]
        subprocess.run(command, check=True)
    results = [json.loads((RESULTS / f"inbox-{size_label(rows)}.json").read_text()) for rows in sizes]
    if len(results) > 1:
        print("\ngrowth of the p50 with the table (each size ÷ the one before):")
        for before, after in zip(results, results[1:]):
            for label in after["users"]:
                for name in ("inbox page", "list endpoint", "inbox by urgency"):
                    if name not in after["users"][label]["p50"]:
                        continue
                    growth = after["users"][label]["p50"][name] / before["users"][label]["p50"][name]
                    mark = "" if after["rows"] != 1_000_000 or name == "inbox by urgency" else (
                        "  ok" if growth <= TARGET_GROWTH else f"  OVER {TARGET_GROWTH}×")
                    print(f"  {size_label(before['rows'])} → {size_label(after['rows'])}  {label:<18} {name:<17} "
                          f"{growth:5.2f}×{mark}")


if __name__ == "__main__":
    main()
