"""Resilience: a PDF worker killed in the middle of a render; the plan is still produced once, by another worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/12 \
        .venv/bin/python bench/pdf_kill.py

DATABASE_URL names the PostgreSQL server: the drill works in its own database there (anbao_bench_pdfkill,
dropped and created afresh). REDIS_URL must be a Redis database of your own: its "pdf" queue and unacked
messages are cleared first. Two real workers (`celery -A config worker -Q pdf -P prefork -c 1`, started and
stopped by this script by their process ids) run with a short visibility timeout
(CELERY_BROKER_TRANSPORT_OPTIONS in their environment). Two scenarios, each on its own approved application:
  1. child killed: once the plan version is RENDERING, SIGKILL the prefork child that renders it; acks_late +
     reject_on_worker_lost requeue the task and a worker renders it again;
  2. worker killed: once RENDERING, SIGKILL the whole worker (main process and child): the message stays
     unacked in Redis until the visibility timeout, then the surviving worker restores and renders it.
Each prints who rendered, the attempts, the seconds from the kill to the ready PDF, and checks exactly one
PlanVersion for that content, READY, with one file whose sha256 matches. tests/resilience/test_pdf_worker_killed.py
runs the same scenarios against the test database.
"""
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
CELERY = str(REPO / ".venv" / "bin" / "celery")
VISIBILITY_TIMEOUT = 6
KILL_AFTER = 0.5  # seconds after the version turned RENDERING
TRANSPORT_OPTIONS = {"visibility_timeout": VISIBILITY_TIMEOUT, "unacked_restore_interval": 1,
                     "unacked_restore_throttle": 1}


class Worker:
    """One `celery worker -Q pdf` process (prefork, one child), logging to its own file."""

    def __init__(self, name: str, *, env: dict, workdir: Path):
        self.name = name
        self.env = env
        self.log = workdir / f"{name}.log"
        self.process = None

    def start(self) -> "Worker":
        self.log.write_text("")
        self.process = subprocess.Popen(
            [CELERY, "-A", "config", "worker", "-Q", "pdf", "-P", "prefork", "-c", "1", "-n", f"{self.name}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
             "--logfile", str(self.log)],
            cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        return self

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.text():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited ({self.process.returncode}):\n{self.text()[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"worker {self.name} not ready after {timeout} s:\n{self.text()[-2000:]}")

    def children(self) -> list[int]:
        try:
            raw = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in raw.split()]

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill_child(self) -> int:
        children = self.children()
        if len(children) != 1:
            raise RuntimeError(f"worker {self.name} has children {children}, expected one")
        os.kill(children[0], signal.SIGKILL)
        return children[0]

    def kill_all(self) -> None:
        children = self.children()
        os.kill(self.process.pid, signal.SIGKILL)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(10)

    def stop(self) -> None:
        if not self.alive:
            return
        children = self.children()
        self.process.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill_all()
            return
        for pid in children:  # a child the warm shutdown left behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def worker_env(*, database_url: str, redis_url: str, media_root: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "MEDIA_ROOT": str(media_root),
           "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "false", "LOG_LEVEL": "INFO",
           "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(TRANSPORT_OPTIONS),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    env.pop("CELERY_BROKER_URL", None)
    return env


def database_url_of_default_connection() -> str:
    from django.db import connection

    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{user}@"
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def clear_pdf_queue(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete("pdf", "unacked", "unacked_index", "unacked_mutex")
    # Outbox task ids carry the row's creation time, so a fresh database no longer meets an earlier run's stored
    # results; clearing them keeps this Redis database tidy all the same.
    stale = list(client.scan_iter("celery-task-meta-outbox-*"))
    if stale:
        client.delete(*stale)
    client.close()


def use_broker(redis_url: str) -> None:
    """This process publishes to Redis (not eager) from now on, through fresh connections."""
    from kombu import pools

    from config.celery import app

    app.conf.update(task_always_eager=False, broker_url=redis_url, result_backend=redis_url)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def request_render(application):
    """Queue a render of the application's current plan (through the outbox, after commit); the version."""
    from plans.services import plan_request

    return plan_request(application=application, user=None, trigger="drill")


def wait_for(predicate, *, timeout: float, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def _status(version_id: int):
    from plans.models import PlanVersion

    return PlanVersion.objects.filter(pk=version_id).values_list("status", flat=True).first()


def scenario(kind: str, application, workers: list[Worker], media_root: Path, *, timeout: float = 90) -> dict:
    """Queue a render, kill whoever renders it once RENDERING (`child` or `worker`), wait for the PDF."""
    from plans.models import PlanVersion

    queued_at = time.monotonic()
    version = request_render(application)
    published_s = time.monotonic() - queued_at
    if not wait_for(lambda: _status(version.pk) == PlanVersion.Status.RENDERING, timeout=60):
        raise RuntimeError(f"version {version.pk} never started rendering (status {_status(version.pk)})")
    owner = next((w for w in workers if w.alive and _received(w, version)), None)
    if owner is None:
        raise RuntimeError("no worker logged receiving the task")
    time.sleep(KILL_AFTER)  # into WeasyPrint (a render takes 1.3-1.8 s here), not just the status write
    status_at_kill = _status(version.pk)
    killed_at = time.monotonic()
    queued_to_kill_s = killed_at - queued_at
    if kind == "child":
        victim = owner.kill_child()
        killed = f"SIGKILL prefork child {victim} of {owner.name}"
    else:
        owner.kill_all()
        killed = f"SIGKILL {owner.name} (main process and child)"
    done = wait_for(lambda: _status(version.pk) in (PlanVersion.Status.READY, PlanVersion.Status.FAILED),
                    timeout=timeout, every=0.1)
    seconds = time.monotonic() - killed_at
    version.refresh_from_db()
    line = f"plan v{version.number} of application {version.application_id} rendered"
    renderers = [w.name for w in workers if line in w.text()]
    same_content = PlanVersion.objects.filter(application_id=version.application_id,
                                              content_key=version.content_key)
    files = sorted(p.name for p in (media_root / "plans" / str(version.application_id)).glob("*"))
    sha_ok = bool(version.file) and hashlib.sha256(Path(version.file.path).read_bytes()).hexdigest() == version.sha256
    return {
        "scenario": kind, "killed": killed, "status_at_kill": status_at_kill, "owner": owner.name,
        "status": version.status, "error": version.error, "attempts": version.attempts,
        "rendered_by": renderers, "kill_to_ready_s": round(seconds, 1) if done else None,
        "published_s": round(published_s, 2), "queued_to_kill_s": round(queued_to_kill_s, 2),
        "versions_for_content": same_content.count(),
        "ready_versions": PlanVersion.objects.filter(application_id=version.application_id,
                                                     status=PlanVersion.Status.READY).count(),
        "files": files, "sha256_matches": sha_ok, "pages": version.pages,
    }


def _received(worker: Worker, version) -> bool:
    from outbox.models import OutboxMessage

    message = OutboxMessage.objects.filter(task_name="plans.tasks.plan_render_task",
                                           args=[version.pk]).order_by("-id").first()
    return message is not None and f"plan_render_task[{message.task_id}] received" in worker.text()


def run_drill(*, applications: list, database_url: str, redis_url: str, media_root: Path, workdir: Path,
              out=print) -> list[dict]:
    """Both scenarios with two workers; every worker started here is stopped here."""
    clear_pdf_queue(redis_url)
    use_broker(redis_url)
    env = worker_env(database_url=database_url, redis_url=redis_url, media_root=media_root)
    workers = [Worker("pdf-a", env=env, workdir=workdir), Worker("pdf-b", env=env, workdir=workdir)]
    results = []
    try:
        started = time.monotonic()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.wait_ready()
        out(f"two workers ready in {time.monotonic() - started:.1f} s (visibility timeout {VISIBILITY_TIMEOUT} s)")
        for kind, application in zip(("child", "worker"), applications):
            result = scenario(kind, application, workers, media_root)
            results.append(result)
            out(f"[{kind} killed] queued (published in {result['published_s']} s), "
                f"{result['queued_to_kill_s']} s later {result['killed']} while {result['status_at_kill']}; "
                f"then {result['status']} after {result['kill_to_ready_s']} s, attempts {result['attempts']}, "
                f"rendered by {result['rendered_by']}; versions for that content {result['versions_for_content']}, "
                f"ready {result['ready_versions']}, files {result['files']}, sha256 ok {result['sha256_matches']}")
    finally:
        for worker in workers:
            worker.stop()
    return results


def drill_ok(result: dict) -> bool:
    return (result["status"] == "ready" and result["status_at_kill"] == "rendering" and result["attempts"] >= 2
            and result["versions_for_content"] == 1 and result["ready_versions"] == 1
            and len(result["files"]) == 1 and result["sha256_matches"] and len(result["rendered_by"]) == 1)


# ---------------------------------------------------------------------------------------------- the script


def fresh_database(server_url: str, name: str) -> str:
    import psycopg2

    parts = urlsplit(server_url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/pdf_kill.py needs PostgreSQL: DATABASE_URL=postgres://user@host:port/any_db")
    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def seed_applications(count: int) -> list:
    """Approved through the real workflow, eager while seeding; the approval's own render is left out."""
    from approvals.signals import application_transitioned
    from config.celery import app
    from plans import services

    application_transitioned.disconnect(dispatch_uid="plans.render_on_approval")
    app.conf.task_always_eager = True
    try:
        from tests.plans.factories import approved_application

        return [approved_application()[0] for _ in range(count)]
    finally:
        app.conf.task_always_eager = False
        application_transitioned.connect(services.plan_on_transition, dispatch_uid="plans.render_on_approval")


def main() -> int:
    server_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not server_url or not redis_url:
        sys.exit("set DATABASE_URL (a PostgreSQL server) and REDIS_URL (a Redis database of your own)")
    database_url = fresh_database(server_url, "anbao_bench_pdfkill")
    workdir = Path(tempfile.mkdtemp(prefix="anbao-pdfkill-"))
    media_root = workdir / "media"
    os.environ.update({"DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "DEBUG": "false",
                       "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "config.settings.local",
                       "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"})
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    applications = seed_applications(2)
    results = run_drill(applications=applications, database_url=database_url, redis_url=redis_url,
                        media_root=media_root, workdir=workdir)
    ok = len(results) == 2 and all(drill_ok(r) for r in results)
    print("PRODUCED ONCE" if ok else "NOT AS EXPECTED")
    print(f"worker logs: {workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
