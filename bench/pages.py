"""Benchmark: every page of the demo data on PostgreSQL, for every demo user: its query count and p50 server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py [--rounds 5]

Works in its own database (perf_pages: created, migrated and loaded with `load_demo` on the first run). Each demo
user signs in (force_login: no password hashing) and the portal is crawled from "/" by following the links of
every HTML page (same site, GET, one visit per path; not /admin/, /api/, static files, downloads or sign-out).
Each page found is then requested --rounds times in-process (django.test.Client, full middleware, DEBUG off):
the table gives its queries (the second request; target ≤ 15) and its p50 (target ≤ 50 ms), with the load
average beside them. Writes bench/results/pages.json for bench/report.py. tests/performance/test_demo_pages.py
pins the query counts with the same crawl.
"""
import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEMO_USERS = ("organizer", "marathon", "lantern", "reviewer", "reviewer2", "supervisor", "city", "culture", "guard")
SKIPPED = re.compile(r"^/(admin|api|static|media|accounts/logout|i18n)/|download|/pdf|\.(pdf|png|jpe?g|css|js)$")
MAX_QUERIES, TARGET_MS = 15, 50
LINK = re.compile(r'href="(/[^"#]*)"')


def crawl(client, *, start: str = "/", limit: int = 60, kind=None) -> list[str]:
    """The same-site HTML pages reachable from `start` by links, as paths (query strings dropped: one visit per
    page, not per sort or page number), in the order found. With `kind` (a function of a path), only the first
    page of each kind is fetched and returned (tests/e2e/pagecheck: one page per route and application state)."""
    seen, queue, pages, kinds = {start}, [start], [], set()
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if kind is not None and kind(path) in kinds:
            continue
        response = client.get(path)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            target = urlsplit(response["Location"]).path  # "/" sends each role to its own start page
            if target not in seen and not SKIPPED.search(target):
                seen.add(target)
                queue.append(target)
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages.append(path)
        if kind is not None:
            kinds.add(kind(path))
        for link in LINK.findall(response.content.decode()):
            target = urlsplit(link.replace("&amp;", "&")).path
            if target not in seen and not SKIPPED.search(target):
                seen.add(target)
                queue.append(target)
    return pages


def query_count(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="perf_pages")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        sys.exit(__doc__)
    from bench.common import configure_django, ensure_database, load_average

    configure_django(ensure_database(server_url, args.database))
    from django.core.management import call_command
    from django.test import Client, override_settings

    from accounts.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="organizer").exists():
        call_command("load_demo", verbosity=0)
    load_before = load_average()
    rows = []
    with override_settings(DEBUG=False):
        for username in DEMO_USERS:
            client = Client()
            client.force_login(User.objects.get(username=username))
            for path in crawl(client):
                queries = query_count(client, path)
                timings = []
                for _round in range(args.rounds):
                    started = time.perf_counter()
                    client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                rows.append({"user": username, "path": path, "queries": queries,
                             "p50": statistics.median(timings)})
    result = {"load_before": load_before, "load_after": load_average(), "rounds": args.rounds, "pages": rows}
    (REPO / "bench" / "results").mkdir(exist_ok=True)
    (REPO / "bench" / "results" / "pages.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"{len(rows)} pages of the demo data; load average {load_before[0]:.1f} before, "
          f"{result['load_after'][0]:.1f} after; p50 of {args.rounds} requests")
    print(f"  {'user':<11} {'page':<52} {'queries':>7} {'p50 ms':>8}")
    for row in rows:
        flags = ("" if row["queries"] <= MAX_QUERIES else f"  OVER {MAX_QUERIES} queries") + (
            "" if row["p50"] <= TARGET_MS else f"  over {TARGET_MS} ms")
        print(f"  {row['user']:<11} {row['path']:<52} {row['queries']:>7} {row['p50']:>8.1f}{flags}")
    worst = max(rows, key=lambda row: row["queries"])
    print(f"most queries: {worst['queries']} ({worst['user']} {worst['path']}); "
          f"median p50 {statistics.median(row['p50'] for row in rows):.1f} ms, "
          f"slowest {max(row['p50'] for row in rows):.1f} ms")


if __name__ == "__main__":
    main()
