"""Benchmark: the security plan PDF — one render through anbao against bare WeasyPrint, then two real workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/pdf.py

DATABASE_URL names the PostgreSQL server; the benchmark works in its own database on it (anbao_bench_pdf, or
--database), dropped and created afresh each run. It seeds one application approved through the real workflow
(lineup with a struck song, deferred documents, a permit, a risk assessment) and prints:
  1. the median seconds of plans.services.plan_render (content from the database, template, WeasyPrint, file,
     rows) next to a bare `weasyprint.HTML(string=html).write_pdf()` of the same HTML (its stylesheet link
     pointing at the file on disk), and their ratio (target ≤ 1.2×, and under 3 s);
  2. the plans per minute two real worker processes (`celery -A config worker -Q pdf -P solo`) sustain with
     --plans (200) renders queued on Redis, each for its own approved application — and that none is lost.
The workers are started and stopped by this script (by their process ids). Redis: REDIS_URL (its "pdf" queue is
emptied first, so use your own Redis database number).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import Results  # noqa: E402

TARGET_RATIO = 1.2
TARGET_SECONDS = 3.0
RESULTS = Results("pdf", "`bench/pdf.py`")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="anbao_bench_pdf", help="database to create (dropped first)")
    parser.add_argument("--repeat", type=int, default=7, help="renders for the medians")
    parser.add_argument("--plans", type=int, default=200, help="renders queued for the two workers")
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args()


def fresh_database(server_url: str, name: str) -> str:
    import psycopg2

    parts = urlsplit(server_url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/pdf.py needs PostgreSQL: DATABASE_URL=postgres://user@host:port/any_db")
    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def setup_django(database_url: str, redis_url: str, media_root: str) -> dict:
    env = {
        **os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "MEDIA_ROOT": media_root,
        "DJANGO_SETTINGS_MODULE": "config.settings.local", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING", "DEBUG": "false",
    }
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    return env


def seed_application():
    """One application through the real workflow (eager Celery while seeding: no message left on Redis)."""
    from approvals.signals import application_transitioned
    from config.celery import app
    from plans import services

    # The approval would queue a render; the benchmark queues its own.
    application_transitioned.disconnect(dispatch_uid="plans.render_on_approval")
    app.conf.task_always_eager = True
    try:
        from tests.plans.factories import approved_application

        application, _people = approved_application()
    finally:
        app.conf.task_always_eager = False
        application_transitioned.connect(services.plan_on_transition, dispatch_uid="plans.render_on_approval")
    return application


def clone_applications(application, count: int) -> list:
    """`count` copies of the approved application (event, lineup, sections, parties, documents, permit, latest
    assessment): each a distinct plan, so none is collapsed by the content key."""
    from django.db import transaction

    from approvals.models import Application, ApplicationDocument, SectionEntry
    from approvals.risk.bridge import latest_assessment
    from events.models import Performer, Song

    def copy(instance, **changes):
        instance.pk = None
        instance.id = None
        instance._state.adding = True
        for key, value in changes.items():
            setattr(instance, key, value)
        return instance

    source = Application.objects.select_related("event", "permit").get(pk=application.pk)
    assessment = latest_assessment(source)
    clones = []
    with transaction.atomic():
        for index in range(1, count + 1):
            event = Application.objects.select_related("event").get(pk=source.pk).event
            event = copy(event, name=f"{event.name}（第{index}场）")
            event.save()
            for performer in Performer.objects.filter(event=source.event).prefetch_related("songs"):
                songs = list(performer.songs.all())
                performer = copy(performer, event=event)
                performer.save()
                Song.objects.bulk_create([copy(song, performer=performer) for song in songs])
            clone = Application.objects.get(pk=source.pk)
            clone = copy(clone, event=event, reference="")
            clone.save()
            SectionEntry.objects.bulk_create([copy(e, application=clone) for e in source.sections.all()])
            for party in source.parties.prefetch_related("acknowledged_items"):
                items = list(party.acknowledged_items.all())
                party = copy(party, application=clone)
                party.save()
                party.acknowledged_items.set(items)
            ApplicationDocument.objects.bulk_create([copy(d, application=clone) for d in source.documents.all()])
            permit = type(source.permit).objects.get(pk=source.permit.pk)
            copy(permit, application=clone, number=f"{permit.number}-{index}").save()
            if assessment is not None:
                assessment_copy = type(assessment).objects.get(pk=assessment.pk)
                copy(assessment_copy, application=clone).save()
            clones.append(clone)
    return clones


def bare_html(html: str) -> str:
    """The same HTML with its stylesheet link pointing at the file, for WeasyPrint's default fetcher."""
    css = (REPO / "static" / "css" / "plan.css").as_uri()
    return html.replace('href="/static/css/plan.css"', f'href="{css}"')


def time_single_render(application, repeat: int) -> None:
    import weasyprint
    from django.conf import settings
    from django.utils import timezone, translation

    from plans import services
    from plans.models import PlanVersion
    from plans.rendering import plan_html

    _app, content, key = services.plan_build(application.pk)
    with translation.override(settings.LANGUAGE_CODE):
        html = plan_html(content, number=1, content_key=key,
                         generated_on=timezone.localtime().strftime("%Y-%m-%d"))
    html = bare_html(html)

    def project() -> float:
        PlanVersion.objects.filter(application=application).delete()
        version = PlanVersion.objects.create(application=application, number=1, content_key=key)
        started = time.perf_counter()
        services.plan_render(version_id=version.pk)
        elapsed = time.perf_counter() - started
        version.refresh_from_db()
        assert version.status == PlanVersion.Status.READY, version.error
        return elapsed

    def bare() -> float:
        started = time.perf_counter()
        weasyprint.HTML(string=html).write_pdf()
        return time.perf_counter() - started

    project(), bare()  # warm-up: fonts, templates, imports
    ours, theirs = [], []
    for _round in range(repeat):  # interleaved, so drift hits both alike
        ours.append(project())
        theirs.append(bare())
    version = PlanVersion.objects.get(application=application)
    bare_pages = len(weasyprint.HTML(string=html).render().pages)
    ours_median, bare_median = statistics.median(ours), statistics.median(theirs)
    ratio = ours_median / bare_median
    print(f"1. one plan ({version.pages} pages, {version.size / 1024:.0f} KiB; bare: {bare_pages} pages), "
          f"median of {repeat}:")
    print(f"   anbao plan_render            {ours_median:6.3f} s   (min {min(ours):.3f}, max {max(ours):.3f})")
    print(f"   bare HTML(string).write_pdf  {bare_median:6.3f} s   (min {min(theirs):.3f}, max {max(theirs):.3f})")
    verdict = "OK" if ratio <= TARGET_RATIO and ours_median < TARGET_SECONDS else "ABOVE TARGET"
    print(f"   ratio {ratio:.2f}x (target <= {TARGET_RATIO}x, under {TARGET_SECONDS:.0f} s): {verdict}")
    RESULTS.add(f"security plan PDF, one render ({version.pages} pages; floor: bare WeasyPrint of the same HTML, "
                f"{bare_median:.2f} s)", f"{ours_median:.2f} s ({ratio:.2f}× floor)",
                f"≤ {TARGET_RATIO}× floor, < {TARGET_SECONDS:.0f} s", ratio <= TARGET_RATIO and ours_median < TARGET_SECONDS)


def start_workers(count: int, env: dict, logdir: Path) -> list[subprocess.Popen]:
    workers = []
    for index in range(count):
        log = open(logdir / f"worker{index}.log", "w")
        workers.append(subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "celery"), "-A", "config", "worker", "-Q", "pdf", "-P", "solo",
             "-n", f"benchpdf{index}@%h", "-l", "WARNING", "--without-gossip", "--without-mingle"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT))
    return workers


def wait_for_workers(app, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        names = {name for reply in replies for name in reply if name.startswith("benchpdf")}
        if len(names) >= count:
            return
    raise SystemExit("the workers did not come up (see their logs)")


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()  # warm shutdown: finishes the current render
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def time_workers(source, count: int, worker_count: int, env: dict, logdir: Path) -> None:
    import redis
    from django.db.models import Count

    from config.celery import app
    from plans import services
    from plans.models import PlanVersion

    started = time.perf_counter()
    clones = clone_applications(source, count)
    print(f"2. {count} approved applications cloned in {time.perf_counter() - started:.1f} s; "
          f"starting {worker_count} workers (-Q pdf -P solo)")
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("pdf")  # nothing left over from an earlier run
    workers = start_workers(worker_count, env, logdir)
    try:
        wait_for_workers(app, worker_count)
        started = time.perf_counter()
        versions = [services.plan_request(application=clone, user=None, trigger="bench") for clone in clones]
        queued = time.perf_counter() - started
        ids = [v.pk for v in versions]
        pending = PlanVersion.objects.filter(pk__in=ids).exclude(
            status__in=[PlanVersion.Status.READY, PlanVersion.Status.FAILED])
        deadline = time.monotonic() + 60 * 30
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        stop_workers(workers)
    statuses = dict(PlanVersion.objects.filter(pk__in=ids).order_by().values_list("status").annotate(n=Count("id")))
    ready = statuses.get(PlanVersion.Status.READY, 0)
    lost = count - ready
    print(f"   {count} renders queued in {queued:.1f} s; all done after {elapsed:.1f} s: "
          f"{ready} ready, {statuses.get(PlanVersion.Status.FAILED, 0)} failed, {lost} not ready")
    print(f"   {worker_count} workers sustain {ready / elapsed * 60:.0f} plans per minute "
          f"({elapsed / max(ready, 1) * worker_count:.2f} s per plan per worker); "
          f"{'none lost' if lost == 0 else f'{lost} LOST'}")
    RESULTS.add(f"{count} plan renders queued to {worker_count} real Celery workers over Redis",
                f"{ready / elapsed * 60:.0f} plans a minute, {ready} ready, {lost} lost", "none lost", lost == 0)


def main():
    args = parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL") or sys.exit("set REDIS_URL (your own Redis database number)")
    database_url = fresh_database(server, args.database)
    media_root = tempfile.mkdtemp(prefix="anbao-bench-pdf-")
    logdir = Path(tempfile.mkdtemp(prefix="anbao-bench-pdf-logs-"))
    try:
        env = setup_django(database_url, redis_url, media_root)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        application = seed_application()
        print(f"bench database {args.database}: migrated, one approved application seeded in "
              f"{time.perf_counter() - started:.1f} s")
        time_single_render(application, args.repeat)
        time_workers(application, args.plans, args.workers, env, logdir)
        RESULTS.write()
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
        print(f"worker logs: {logdir}")


if __name__ == "__main__":
    main()
