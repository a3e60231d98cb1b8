"""Benchmark: the reviewer inbox page and the applications list endpoint over 100,000 applications.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/inbox.py

DATABASE_URL names the PostgreSQL server; the benchmark works in its own database on it (anbao_bench, or
--database), created and migrated on the first run, and seeded once with 100,000 applications (reused after;
--reseed starts over). In-process (django.test.Client, the full middleware stack) it then prints the median
server time of: the reviewer inbox page (/applications/inbox/), the list endpoint (/api/applications/) and a
bare DRF ListAPIView defined here that serves the same page of the same rows; the ratios to the bare view
(target ≤ 1.5×); and the query counts at page sizes 10, 25 and 100 (which must not grow).
"""
import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import configure_django, ensure_database  # noqa: E402
ROWS = 100_000
BATCH = 5_000
DISTRICTS = 10
ORGANISATIONS = 200
REFERENCE_PREFIX = "BN"
PAGE_SIZES = (10, 25, 100)
TARGET_RATIO = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="anbao_bench", help="database to create/reuse (default anbao_bench)")
    parser.add_argument("--iterations", type=int, default=200,
                        help="timed rounds for the district reviewer (default 200; the city gets a fifth)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--reseed", action="store_true", help="delete the seeded rows and seed again")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------- seeding


def seed_present() -> bool:
    from approvals.models import Application

    return Application.objects.filter(reference__startswith=REFERENCE_PREFIX).count() >= ROWS


def delete_seed() -> None:
    from django.db import connection

    from approvals.models import Application, ApplicationGroupObjectPermission

    from events.models import Event

    seeded = Application.objects.filter(reference__startswith=REFERENCE_PREFIX)
    ApplicationGroupObjectPermission.objects.filter(content_object__in=seeded).delete()
    event_ids = list(seeded.values_list("event_id", flat=True))
    with connection.cursor() as cursor:  # the audit table refuses ORM deletes; seeded rows have no audit rows
        cursor.execute(f"DELETE FROM {Application._meta.db_table} WHERE reference LIKE %s", [REFERENCE_PREFIX + "%"])
    Event.objects.filter(pk__in=event_ids).delete()


def seed(rng: random.Random) -> None:
    """100,000 submitted-or-later applications in 10 districts of one city, permissions granted as the services
    grant them (organisation: view+change; district and city bureau: view+review), by bulk_create and COPY."""
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts import roles
    from approvals.models import Application, ApplicationGroupObjectPermission, ApplicationState
    from approvals.applications.selectors import current_catalogue
    from events.models import Authority, Event, Organisation, Venue, VenueExit

    started = time.perf_counter()
    catalogue = current_catalogue()
    city, _created = Authority.objects.get_or_create(
        name="基准市公安局", defaults={"kind": Authority.Kind.POLICE, "level": Authority.Level.CITY})
    districts = [Authority.objects.get_or_create(
        name=f"基准第{n}公安分局", defaults={"kind": Authority.Kind.POLICE, "level": Authority.Level.DISTRICT,
                                       "parent": city})[0] for n in range(DISTRICTS)]
    organisations = [Organisation.objects.get_or_create(name=f"基准演出公司{n}")[0] for n in range(ORGANISATIONS)]
    venues = []
    for district in districts:
        for n in range(5):
            venue, created = Venue.objects.get_or_create(
                name=f"{district.name}场馆{n}", district=district,
                defaults={"address": "基准路1号", "usable_area_m2": 20000, "owner": None})
            if created:
                VenueExit.objects.bulk_create([VenueExit(venue=venue, name=f"{g}号门", width_m=6) for g in range(4)])
            venues.append(venue)
    creator = bench_user("bench_organizer", roles.ORGANIZER, organisation=organisations[0])
    perms = {codename: Permission.objects.get(content_type__app_label="approvals", codename=codename).pk
             for codename in ("view_application", "change_application", "review_application")}
    states = [ApplicationState.SUBMITTED] * 3 + [ApplicationState.ACCEPTED, ApplicationState.UNDER_REVIEW,
                                                  ApplicationState.APPROVED, ApplicationState.ACCEPTED_DEFERRED,
                                                  ApplicationState.REJECTED, ApplicationState.COMPLETED]
    levels = ["", "一级", "二级", "三级", "四级", "四级"]
    now = timezone.now()
    table = ApplicationGroupObjectPermission._meta.db_table
    organisation_groups = {o.pk: o.group_id for o in organisations}
    district_groups = {d.pk: d.group_id for d in districts}
    for offset in range(0, ROWS, BATCH):
        with transaction.atomic():
            events, applications = [], []
            for n in range(offset, offset + BATCH):
                venue = venues[n % len(venues)]
                start = now + timedelta(days=rng.randint(-60, 120), hours=rng.randint(0, 23))
                attendance = rng.choice([1200, 2500, 4000, 6000, 12000, 30000])
                events.append(Event(
                    name=f"基准活动{n:06d}", kind=rng.choice(Event.Kind.values), venue=venue,
                    organisation=organisations[n % ORGANISATIONS], start_at=start, end_at=start + timedelta(hours=6),
                    expected_attendance=attendance, rated_capacity=attendance * 2))
            Event.objects.bulk_create(events)
            for n, event in enumerate(events, start=offset):
                submitted = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
                applications.append(Application(
                    reference=f"{REFERENCE_PREFIX}{n:08d}", event=event, organisation_id=event.organisation_id,
                    district_id=event.venue.district_id, catalogue=catalogue, state=rng.choice(states),
                    created_by=creator, submitted_at=submitted, is_late=rng.random() < 0.1,
                    needs_city_decision=event.expected_attendance >= 5000, security_level=rng.choice(levels)))
            Application.objects.bulk_create(applications)
            rows = io.StringIO()
            for application in applications:
                organisation_group = organisation_groups[application.organisation_id]
                district_group = district_groups[application.district_id]
                grants = ((organisation_group, "view_application"), (organisation_group, "change_application"),
                          (district_group, "view_application"), (district_group, "review_application"),
                          (city.group_id, "view_application"), (city.group_id, "review_application"))
                for group_id, codename in grants:
                    rows.write(f"{perms[codename]}\t{group_id}\t{application.pk}\n")
            rows.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {table} (permission_id, group_id, content_object_id) FROM STDIN", rows)
        print(f"\rseeded {offset + BATCH:,} / {ROWS:,} applications", end="", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"\nseeded in {time.perf_counter() - started:.0f} s")


def bench_user(username: str, role: str, **membership):
    from django.contrib.auth.models import Group

    from accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=username, **membership)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return user


# ---------------------------------------------------------------------------------------------- the bare view


def bare_urlconf():
    """The project's URLs plus /bench/bare/: a ListAPIView with nothing but the same rows, page and fields."""
    from django.urls import include, path
    from rest_framework import generics, serializers
    from rest_framework.pagination import PageNumberPagination

    from approvals.models import Application, ApplicationState
    from approvals.applications.selectors import application_list_queryset

    class BareSerializer(serializers.ModelSerializer):
        event_name = serializers.CharField(source="event.name")
        event_kind = serializers.CharField(source="event.kind")
        start_at = serializers.DateTimeField(source="event.start_at")
        end_at = serializers.DateTimeField(source="event.end_at")
        expected_attendance = serializers.IntegerField(source="event.expected_attendance")
        venue_name = serializers.CharField(source="event.venue.name")
        organisation_name = serializers.CharField(source="organisation.name")
        district_name = serializers.CharField(source="district.name")

        class Meta:
            model = Application
            fields = ["id", "reference", "state", "event_name", "event_kind", "start_at", "end_at",
                      "expected_attendance", "venue_name", "organisation", "organisation_name", "district",
                      "district_name", "is_late", "needs_city_decision", "security_level", "submitted_at",
                      "created_at"]

    class BarePagination(PageNumberPagination):
        page_size = 25
        page_size_query_param = "page_size"

    class BareList(generics.ListAPIView):
        serializer_class = BareSerializer
        pagination_class = BarePagination
        filter_backends: list = []

        def get_queryset(self):
            return (application_list_queryset(self.request.user).exclude(state=ApplicationState.DRAFT)
                    .order_by("submitted_at", "pk"))

    module = type(sys)("bench_urls")
    module.urlpatterns = [path("bench/bare/", BareList.as_view()), path("", include("config.urls"))]
    sys.modules["bench_urls"] = module
    return "bench_urls"


# ---------------------------------------------------------------------------------------------- measuring


def median_ms(client, urls: dict, iterations: int, warmup: int) -> dict:
    """Median time per URL; the URLs take turns, so a busy moment on the machine hits them all alike."""
    timings = {name: [] for name in urls}
    for round_number in range(warmup + iterations):
        for name, url in urls.items():
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (url, response.status_code)
            if round_number >= warmup:
                timings[name].append(elapsed)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def main():
    args = parse_args()
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        sys.exit(__doc__)
    configure_django(ensure_database(server_url, args.database))

    from django.core.management import call_command
    from django.test import Client, override_settings

    from accounts import roles
    from approvals.applications import views
    from approvals.models import Application

    call_command("migrate", verbosity=0)
    if args.reseed:
        delete_seed()
    if not seed_present():
        seed(random.Random(2026))
    from events.models import Authority

    reviewer = bench_user("bench_reviewer", roles.REVIEWER, authority=Authority.objects.get(name="基准第0公安分局"))
    city_reviewer = bench_user("bench_city_reviewer", roles.REVIEWER,
                               authority=Authority.objects.get(name="基准市公安局"))

    urls = {
        "inbox page": "/applications/inbox/?sort=submitted&page=2",
        "list endpoint": "/api/applications/?ordering=submitted_at&page=2&page_size={size}",
        "bare ListAPIView": "/bench/bare/?page=2&page_size={size}",
    }
    print(f"{Application.objects.count():,} applications; median server time per request (in-process "
          f"django.test.Client, full middleware, DEBUG off)\n")
    with override_settings(ROOT_URLCONF=bare_urlconf(), DEBUG=False):
        for label, user in (("district reviewer", reviewer), ("city reviewer", city_reviewer)):
            client = Client()
            client.force_login(user)
            visible = Application.objects.filter(district__in=Authority.objects.filter(
                pk=user.authority_id) | Authority.objects.filter(parent_id=user.authority_id)).count()
            page_size = views.INBOX_PAGE_SIZE
            # The city sees ten times the rows: fewer rounds keep the run short.
            iterations = args.iterations if user is reviewer else max(10, args.iterations // 5)
            times = median_ms(client, {name: url.format(size=page_size) for name, url in urls.items()},
                              iterations, args.warmup if user is reviewer else 3)
            bare = times["bare ListAPIView"]
            print(f"{label}: sees {visible:,} applications; page 2 of {page_size}; {iterations} rounds")
            print(f"  {'view':<18} {'median ms':>10} {'× bare':>8}")
            for name, ms in times.items():
                print(f"  {name:<18} {ms:>10.2f} {ms / bare:>7.2f}×")
            for name in ("inbox page", "list endpoint"):
                verdict = "ok" if times[name] / bare <= TARGET_RATIO else f"OVER the {TARGET_RATIO}× target"
                print(f"  {name}: {verdict}")
            print()

        client = Client()
        client.force_login(reviewer)
        print(f"queries per request (district reviewer)   {'  '.join(f'{n:>5}/page' for n in PAGE_SIZES)}")
        original_page_size = views.INBOX_PAGE_SIZE
        try:
            for name, url in urls.items():
                counts = []
                for size in PAGE_SIZES:
                    views.INBOX_PAGE_SIZE = size
                    query_count(client, url.format(size=size))  # the first request of a size warms caches
                    counts.append(query_count(client, url.format(size=size)))
                flat = "constant" if len(set(counts)) == 1 else "GROWS"
                print(f"  {name:<38} {'  '.join(f'{c:>10}' for c in counts)}   {flat}")
        finally:
            views.INBOX_PAGE_SIZE = original_page_size


if __name__ == "__main__":
    main()
