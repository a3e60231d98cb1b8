"""Benchmark: the server time of the clicks that change an application, and of signing in, against a floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/request_times.py
        [--database anbao_bench_requests] [--samples 15] [--applications 100000] [--profile approve]

DATABASE_URL names the PostgreSQL server; the benchmark works in its own database there (created, migrated and
loaded with the demo on the first run, scaled up to --applications applications by bench/load.py's seeding, and
reused after). Django runs as in production (DEBUG off) with a real queue: tasks go to kombu's filesystem
transport in a temporary folder and no worker runs during a measured request. Between two requests the tasks a
request queued run here, unmeasured (except the PDF renders, which no later click needs), as a worker would
have run them before the next click.

Every request goes through the whole stack in-process (django.test.Client: every middleware, the session, the
view, the commit and the after-commit publishing of the outbox). Per request it prints the median and the 95th
percentile of the time Django took (the Server-Timing header of config.middleware.ServerTimingMiddleware), the
floor (a bare view doing one indexed query, through the same middleware, as the same signed-in user), the ratio
of the median to the floor's, and the target (<= 300 ms). Measured:

- submit (organizer), accept (受理), accept with deferred documents (容缺受理), approve (许可), suspend (熔断):
  each on --samples fresh applications built by tests/support/builder.py;
- sign-in: the password hasher alone (Argon2, the first of PASSWORD_HASHERS, and Django's PBKDF2 for
  comparison), authenticate() (django-axes + the hasher), the whole POST of the login form (+ session), and
  the pages the browser is sent to after it (home → the role's landing page), and an old PBKDF2 hash upgraded
  to Argon2 on sign-in.

--profile NAME prints a CPU profile (cProfile, thread CPU time) of that request on one application instead.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import Results, configure_django, ensure_database  # noqa: E402

TARGET_MS = 300.0
PASSWORD = "bench-requests-pass-2026"
ACTIONS = ("submit", "accept", "accept_with_deferred", "approve", "suspend")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="anbao_bench_requests")
    parser.add_argument("--samples", type=int, default=15, help="applications per action (15)")
    parser.add_argument("--applications", type=int, default=100_000,
                        help="applications in the database besides the measured ones (100,000)")
    parser.add_argument("--logins", type=int, default=15, help="sign-ins measured (15)")
    parser.add_argument("--profile", choices=ACTIONS, default=None)
    return parser.parse_args()


def setup(args) -> str:
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database_url = ensure_database(server, args.database)
    queue = tempfile.mkdtemp(prefix="anbao-bench-queue-")
    configure_django(database_url, CELERY_FILESYSTEM_FOLDER=queue, CELERY_TASK_ALWAYS_EAGER="false",
                     MEDIA_ROOT=str(Path(queue) / "media"),
                     EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    from django.conf import settings
    from django.core.management import call_command

    assert not settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL == "filesystem://"
    call_command("migrate", verbosity=0)
    from bench.load import seed

    seed(args.applications)
    return queue


# ---------------------------------------------------------------------------------------------- measuring


class Sample(float):
    """The time Django took on a request (ms), carrying the CPU time of its thread (`.cpu`, ms) and the number of
    SQL queries it made (`.queries`)."""

    cpu: float
    queries: float = float("nan")


def server_ms(response) -> Sample:
    """The time Django took and its CPU time, from the Server-Timing header."""
    timings = {}
    for part in response.headers.get("Server-Timing", "").split(","):
        name, _, rest = part.strip().partition(";dur=")
        if rest:
            timings[name] = float(rest)
    if "app" not in timings:
        raise RuntimeError(f"no Server-Timing header on {response.status_code} {response.get('Location', '')}")
    sample = Sample(timings["app"])
    sample.cpu = timings.get("cpu", 0.0)
    return sample


def add(*samples: Sample) -> Sample:
    total = Sample(sum(samples))
    total.cpu = sum(s.cpu for s in samples)
    total.queries = sum(s.queries for s in samples)
    return total


def send(client, method: str, url: str, data=None):
    """One request through the test client: (response, its Sample with the queries counted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    sample = server_ms(response)
    sample.queries = len(queries.captured_queries)
    return response, sample


@contextmanager
def timed_call(into: list):
    """Wall and CPU time (of the whole process: Argon2 hashes in threads) of the block, appended to `into`."""
    began, cpu = time.perf_counter(), time.process_time()
    yield
    sample = Sample((time.perf_counter() - began) * 1000)
    sample.cpu = (time.process_time() - cpu) * 1000
    into.append(sample)


class Background:
    """Runs, between measured requests, the tasks a request queued (as a worker would have by the next click)
    and empties the filesystem queue they were also published to."""

    def __init__(self, queue_folder: str):
        from outbox.models import OutboxMessage

        self.queue_folder = Path(queue_folder) / "queue"
        self.last = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def drain(self) -> None:
        from config.celery import app
        from outbox.models import OutboxMessage

        for message in OutboxMessage.objects.filter(pk__gt=self.last).order_by("pk"):
            self.last = message.pk
            if message.task_name != "plans.tasks.plan_render_task":
                app.tasks[message.task_name].apply(args=message.args, kwargs=message.kwargs)
        for path in self.queue_folder.glob("*.msg"):
            path.unlink(missing_ok=True)


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(round(len(ordered) * 0.95)) - 1, 0)]


def line(name: str, samples: list[Sample], floor: float | None, *, target: float | None = TARGET_MS) -> str:
    median, p95 = summary(samples)
    cpu = statistics.median(s.cpu for s in samples)
    queries = statistics.median(s.queries for s in samples)
    ratio = f"{median / floor:7.1f}x" if floor else " " * 8
    verdict = "" if target is None else ("OK" if p95 <= target else "ABOVE TARGET")
    goal = f"<= {target:g} ms" if target is not None else ""
    return (f"{name:<48}{len(samples):>4}{median:>9.1f}{p95:>9.1f}{cpu:>9.1f}{queries:>8.0f}{ratio}  {goal:<11} "
            f"{verdict}")


@contextmanager
def fast_hashing():
    """Set-up only: the builder's users get their password hashed with MD5 (the measured logins do not)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# ---------------------------------------------------------------------------------------------- the floor


def floor_view(request, pk):
    """One indexed query (an application by primary key), nothing else."""
    from django.http import HttpResponse

    from approvals.models import Application

    state = Application.objects.filter(pk=pk).values_list("state", flat=True).first()
    return HttpResponse(state or "-")


urlpatterns: list = []  # ROOT_URLCONF while the benchmark runs: the project's URLs and the floor's


def install_floor_url() -> None:
    from django.conf import settings
    from django.urls import clear_url_caches, path

    import config.urls

    module = sys.modules[__name__]
    module.urlpatterns = [path("bench-floor/<int:pk>/", floor_view), *config.urls.urlpatterns]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()


def measure_floor(client, pk: int, samples: int) -> list[float]:
    for _ in range(5):
        client.get(f"/bench-floor/{pk}/")
    return [send(client, "get", f"/bench-floor/{pk}/")[1] for _ in range(samples)]


# ---------------------------------------------------------------------------------------------- the clicks


def _decider(builder):
    """Who decides (tests/support/builder.py's rule: city bureau, district supervisor or reviewer)."""
    return builder._decider(None)


def fresh_factory_sequences() -> None:
    """The database is reused from run to run: start the factories' names (user5, 演出公司5…) past the last run's."""
    import factory

    from tests import factories

    base = int(time.time() * 10) % 10**9 * 100
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory) \
                and not value._meta.abstract:
            value.reset_sequence(base, force=True)


def prepare(samples: int):
    """Filled applications (nothing measured yet): `samples` with every document (accept → approve → suspend)
    and `samples` with the deferrable documents missing (容缺受理)."""
    from tests.support.builder import application

    fresh_factory_sequences()
    with fast_hashing():
        complete = [application().filled() for _ in range(samples)]
        deferred = [application().filled(skip_deferrable=True) for _ in range(samples)]
        for builder in complete + deferred:
            builder.person("reviewer")
    return complete, deferred


def measure_clicks(complete, deferred, background: Background, *, profile: str | None):
    from django.test import Client

    from approvals import workflow
    from approvals.models import ApplicationState

    times: dict[str, list[float]] = {name: [] for name in ACTIONS}
    pages: dict[str, list[float]] = {name: [] for name in ACTIONS}
    clients: dict[int, Client] = {}

    def client_for(user) -> Client:
        if user.pk not in clients:
            client = Client()
            client.force_login(user)
            clients[user.pk] = client
        return clients[user.pk]

    def click(name, user, url, data=None, *, expect_state=None, builder=None):
        client = client_for(user)
        if name == profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.thread_time)  # CPU time: the waiting on a busy machine left out
            profiler.enable()
        response, sample = send(client, "post", url, data)
        if name == profile:
            profiler.disable()
            import re

            # The project's own functions (not the libraries', not the benchmark's), by cumulative CPU time.
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(
                re.escape(str(REPO)) + r"/(?!\.venv|bench)", 70)
        if response.status_code != 302:
            sys.exit(f"{name}: HTTP {response.status_code} at {url}: {response.content[:400]!r}")
        times[name].append(sample)
        page, sample = send(client, "get", response["Location"])
        pages[name].append(sample)
        if expect_state and builder.build().state != expect_state:
            sys.exit(f"{name} did not reach {expect_state} (state {builder.build().state})")
        background.drain()

    def act(pk, action):
        return f"/review/applications/{pk}/act/{action}/"

    for builder in complete + deferred:
        current = builder.build()
        click("submit", builder.people["organizer"], f"/applications/{current.pk}/submit/",
              expect_state=ApplicationState.SUBMITTED, builder=builder)
    for builder in deferred:
        current = builder.build()
        click("accept_with_deferred", builder.person("reviewer"), act(current.pk, "accept_with_deferred"),
              {"documents": builder.missing_documents(),
               "due_date": workflow.latest_deferred_due(current).isoformat()},
              expect_state=ApplicationState.ACCEPTED_DEFERRED, builder=builder)
    for builder in complete:
        current = builder.build()
        click("accept", builder.person("reviewer"), act(current.pk, "accept"),
              expect_state=ApplicationState.ACCEPTED, builder=builder)
        with fast_hashing():
            builder.under_review()
        decider = _decider(builder)
        click("approve", decider, act(current.pk, "approve"), expect_state=ApplicationState.APPROVED,
              builder=builder)
        click("suspend", builder.person("reviewer"), act(current.pk, "suspend"),
              {"reasons": "现场超员", "required_changes": "限流至核定人数"},
              expect_state=ApplicationState.SUSPENDED, builder=builder)
    return times, pages


# ---------------------------------------------------------------------------------------------- signing in


LOGIN_POSTS: list = []  # the reviewer's login POSTs, for the results file


def measure_login(samples: int, floor: float) -> list[str]:
    """The hasher alone, authenticate(), the login POST, the landing pages, and an old hash upgraded."""
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
    from django.test import Client, RequestFactory

    from tests import factories

    lines = []
    hashers = [("argon2", "Argon2 (first of PASSWORD_HASHERS)"), ("pbkdf2_sha256", "PBKDF2-SHA256 (Django's)")]
    for algorithm, label in hashers:
        hasher = get_hasher(algorithm)
        encoded = make_password(PASSWORD, hasher=algorithm)
        check_password(PASSWORD, encoded)
        runs = []
        for _ in range(samples):
            with timed_call(runs):
                assert hasher.verify(PASSWORD, encoded)
        params = {k: v for k, v in hasher.safe_summary(encoded).items() if k not in ("algorithm", "salt", "hash")}
        lines.append(line(f"hasher: {label}", runs, None, target=None) + f"  {dict(params)}")

    with fast_hashing():
        reviewer = factories.ReviewerFactory()
        organizer = factories.OrganizerUserFactory()
    for user in (reviewer, organizer):
        user.set_password(PASSWORD)  # the project's hasher (Argon2)
        user.save(update_fields=["password"])
    assert identify_hasher(reviewer.password).algorithm == get_hasher().algorithm

    factory = RequestFactory()
    runs = []
    for _ in range(samples):
        request = factory.post("/accounts/login/")
        with timed_call(runs):
            assert authenticate(request, username=reviewer.username, password=PASSWORD) is not None
    lines.append(line("authenticate() (axes + backend + hasher)", runs, floor, target=None))

    for user, landing in ((reviewer, "reviewer inbox"), (organizer, "organizer list")):
        posts, homes, pages, totals = [], [], [], []
        for _ in range(samples):
            client = Client()
            client.get("/accounts/login/")
            response, sample = send(client, "post", "/accounts/login/",
                                    {"username": user.username, "password": PASSWORD})
            if response.status_code != 302:
                sys.exit(f"login refused: HTTP {response.status_code}")
            posts.append(sample)
            home, sample = send(client, "get", response["Location"])
            homes.append(sample)
            page, sample = send(client, "get", home["Location"]) if home.status_code == 302 else (home, sample)
            pages.append(sample)
            totals.append(add(posts[-1], homes[-1], pages[-1]))
        if user is reviewer:
            LOGIN_POSTS[:] = posts
            lines.append(line("POST /accounts/login/ (+ session)", posts, floor))
            lines.append(line("  then GET / (redirect by role)", homes, floor, target=None))
        lines.append(line(f"  then GET the {landing}", pages, floor, target=None))
        lines.append(line(f"  sign-in as seen by the browser ({landing})", totals, floor, target=None))

    # An old PBKDF2 hash: checked once with it, then stored as Argon2 (Django upgrades on a successful login).
    upgraded = []
    for _ in range(max(samples // 3, 3)):
        user = reviewer
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        client = Client()
        response, sample = send(client, "post", "/accounts/login/", {"username": user.username, "password": PASSWORD})
        upgraded.append(sample)
        user.refresh_from_db()
        if identify_hasher(user.password).algorithm != "argon2":
            sys.exit("the PBKDF2 hash was not upgraded to Argon2 on sign-in")
    lines.append(line("POST /accounts/login/ with an old PBKDF2 hash", upgraded, floor, target=None)
                 + "  (upgraded to Argon2: yes)")
    return lines


# ---------------------------------------------------------------------------------------------- main


def main():
    args = parse_args()
    queue = setup(args)
    from django.db import connection
    from django.test import Client

    from approvals.models import Application
    from tests import factories

    install_floor_url()
    load = os.getloadavg()
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg = cursor.fetchone()[0].split(" on ")[0]
    total = Application.objects.count()
    print(f"{pg}; {total:,} applications; Django DEBUG off, tasks queued over kombu's filesystem transport")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")

    complete, deferred = prepare(args.samples)
    background = Background(queue)
    with fast_hashing():
        someone = factories.ReviewerFactory()
    floor_client = Client()
    floor_client.force_login(someone)
    pk = Application.objects.order_by("-pk").values_list("pk", flat=True).first()
    floor = measure_floor(floor_client, pk, 50)
    floor_median = summary(floor)[0]

    if args.profile in ACTIONS:
        measure_clicks(complete[:1], deferred[:1], background, profile=args.profile)
        return

    times, pages = measure_clicks(complete, deferred, background, profile=None)
    login_lines = measure_login(args.logins, floor_median)
    after = os.getloadavg()

    print()
    print("server time (Server-Timing app) per request in ms: median, 95th percentile, median CPU time of the")
    print("request's thread, median SQL queries, ratio of the median to the floor's median")
    print(f"{'request':<48}{'n':>4}{'median':>9}{'p95':>9}{'CPU':>9}{'queries':>8}{'ratio':>8}  target")
    print(line("floor: bare view, one indexed query", floor, floor_median, target=None))
    labels = {"submit": "submit (提交)", "accept": "accept (受理)", "accept_with_deferred": "容缺受理",
              "approve": "approve (许可)", "suspend": "suspend (熔断)"}
    for name in ACTIONS:
        print(line(labels[name], times[name], floor_median))
        print(line("  then the page it redirects to", pages[name], floor_median, target=None))
    for text in login_lines:
        print(text)
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}; "
          f"wall {time.monotonic() - began:.0f} s")
    failed = [name for name in ACTIONS if summary(times[name])[1] > TARGET_MS]
    print("targets: " + ("all met" if not failed else "ABOVE TARGET: " + ", ".join(failed)))
    results = Results("requests", "`bench/request_times.py`")
    results.load_before = load
    for name, samples in [*((labels[name], times[name]) for name in ACTIONS),
                          ("sign-in: POST /accounts/login/ (Argon2id, axes, session)", LOGIN_POSTS)]:
        median, p95 = summary(samples)
        cpu = statistics.median(s.cpu for s in samples)
        queries = statistics.median(s.queries for s in samples)
        results.add(f"{name}: server time, {total:,} applications (floor: a bare view, one indexed query, "
                    f"{floor_median:.1f} ms)",
                    f"p50 {median:.0f} ms, p95 {p95:.0f} ms (CPU {cpu:.0f} ms, {queries:.0f} queries; "
                    f"{median / floor_median:.1f}× floor)", f"≤ {TARGET_MS:g} ms", p95 <= TARGET_MS)
    results.write()


if __name__ == "__main__":
    main()
