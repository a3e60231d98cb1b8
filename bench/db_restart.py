"""Resilience: gate counters keep sending batches while PostgreSQL restarts; the totals must come out exact.

    .venv/bin/python bench/db_restart.py [--devices 4] [--batches 150] [--readings 50] [--conn-max-age 0]

Needs the PostgreSQL 15 server binaries (initdb, pg_ctl) and root (runuser) or the postgres OS user. It never
touches the machine's main PostgreSQL: it
1. creates a private cluster in a temp dir on a free loopback port (initdb as the postgres OS user), migrates
   a fresh database and prepares a live event (approved, running now) with perimeter gates and one counter
   device per client;
2. starts gunicorn (2 workers, config.wsgi, DATABASE_URL pointing at the private cluster) on a free port;
3. runs one counter client per device in threads, each POSTing --batches batches of --readings readings to
   /api/eventday/readings/ with retries (connection errors and 5xx: back off and resend the same batch; the
   API is idempotent per device+sequence); every tenth batch the client also resends the previous one, as
   counters on flaky links do;
4. meanwhile, once a third of the batches are acknowledged, restarts the cluster (`pg_ctl restart -m fast`),
   and at two thirds stops it, waits --down-seconds, and starts it again;
5. prints sent / acknowledged / retried / failed-by-kind, and the stored totals (readings, entries, exits)
   against the expected ones, then stops everything and removes the temp dir. Exit status 1 if not exact.
"""
import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PYTHON = str(REPO / ".venv" / "bin" / "python")
GUNICORN = str(REPO / ".venv" / "bin" / "gunicorn")
GATES = 4
RETRYABLE_STATUS = {500, 502, 503, 504}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


# ---------------------------------------------------------------------------------------------- the cluster


class PrivateCluster:
    """A throw-away PostgreSQL cluster owned by the postgres OS user, on loopback only."""

    def __init__(self):
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"no {PG_BIN}/initdb: install postgresql-15 or set PG_BIN")
        self.root = Path(tempfile.mkdtemp(prefix="anbao-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off " \
                       f"-c full_page_writes=off -c max_connections=50"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, user="postgres")

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def _pg_ctl(self, action: str, *extra: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  *extra, "-o", self.options, action)

    def init_and_start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def start(self) -> None:
        self._pg_ctl("start")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        try:
            self._pg_ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- set-up (child)


def prepare(devices: int) -> dict:
    """Runs in a child process with DATABASE_URL set: migrate, then a live event with gates and devices."""
    import django

    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from approvals.models import Application
    from approvals.applications.selectors import current_catalogue
    from events.models import Authority, Event, Organisation, Venue
    from eventday import services

    call_command("migrate", verbosity=0)
    city = Authority.objects.create(name="市公安局", kind="police", level="city")
    district = Authority.objects.create(name="演练分局", kind="police", level="district", parent=city)
    organisation = Organisation.objects.create(name="演练演出公司")
    user = User.objects.create(username="drill-organizer", organisation=organisation)
    venue = Venue.objects.create(name="演练场地", address="x", district=district, usable_area_m2=60000)
    now = timezone.now()
    event = Event.objects.create(name="数据库重启演练", kind="music_festival", venue=venue,
                                 organisation=organisation, start_at=now - timedelta(hours=1),
                                 end_at=now + timedelta(hours=5), expected_attendance=50000, rated_capacity=60000)
    application = Application.objects.create(event=event, organisation=organisation, district=district,
                                             catalogue=current_catalogue(), created_by=user)
    # Set-up only: the permit state without walking the workflow (the workflow has its own tests).
    Application.objects.filter(pk=application.pk).update(state="approved")
    # A zone far larger than the flows, so that no alert logic is in play: this measures counting only.
    zone = services.zone_create(event=event, kind="area", name="场地", usable_area_m2=500000,
                                safe_density=Decimal("2.00"), order=0)
    gates = [services.gate_create(zone=zone, code=f"g{i}", name=f"闸口{i}").code for i in range(GATES)]
    tokens = [services.device_register(event=event, name=f"计数器{i}", gates=event.gates.all())[1]
              for i in range(devices)]
    return {"event": event.pk, "zone": zone.pk, "gates": gates, "tokens": tokens}


def run_child(database_url: str, args: list[str]) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    done = subprocess.run([PYTHON, __file__, *args], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def totals(database_url: str, event_id: int, zone_id: int) -> dict:
    import psycopg2

    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), coalesce(sum(r.count_in), 0), coalesce(sum(r.count_out), 0) "
                           "FROM eventday_gatereading r JOIN eventday_gatedevice d ON d.id = r.device_id "
                           "WHERE d.event_id = %s", [event_id])
            readings, summed_in, summed_out = cursor.fetchone()
            cursor.execute("SELECT entries, exits FROM eventday_eventtally WHERE event_id = %s", [event_id])
            tally = cursor.fetchone() or (0, 0)
            cursor.execute("SELECT entries, exits, exits_discarded FROM eventday_zone WHERE id = %s", [zone_id])
            zone = cursor.fetchone()
    finally:
        connection.close()
    return {"readings": readings, "readings_in": int(summed_in), "readings_out": int(summed_out),
            "tally_entries": tally[0], "tally_exits": tally[1], "zone_entries": zone[0], "zone_exits": zone[1],
            # Exits beyond what the zone held are not counted (a forged "out" must not blind the event) but
            # kept apart: random counts may ask for a few of them when the zone is nearly empty.
            "exits_discarded": zone[2]}


# ---------------------------------------------------------------------------------------------- the clients


@dataclass
class ClientStats:
    posts: int = 0            # HTTP attempts
    batches: int = 0          # distinct batches acknowledged
    resends: int = 0          # deliberate resends of an acknowledged batch
    retries: int = 0          # attempts after a failure
    accepted: int = 0         # readings the server counted
    duplicates: int = 0       # readings the server recognised as already counted
    failures: Counter = field(default_factory=Counter)
    refused: list = field(default_factory=list)
    longest_outage_s: float = 0.0


def post(url: str, token: str, readings: list[dict], timeout: float = 10) -> tuple[int, dict]:
    body = json.dumps({"readings": readings}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Device {token}", "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            return error.code, {}


def send_with_retries(url: str, token: str, readings: list[dict], stats: ClientStats, lock) -> bool:
    """Resend the same batch until the server acknowledges it (a counter's buffer); False if refused (4xx)."""
    delay, first_failure = 0.05, None
    while True:
        try:
            status, payload = post(url, token, readings)
            failure = None if status == 200 else f"HTTP {status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            status, payload = None, {}
            reason = getattr(error, "reason", error)
            failure = type(reason).__name__
        with lock:
            stats.posts += 1
            if first_failure is not None:
                stats.retries += 1
            if failure:
                stats.failures[failure] += 1
        if status == 200:
            with lock:
                stats.accepted += payload.get("accepted", 0)
                stats.duplicates += payload.get("duplicates", 0)
                if first_failure is not None:
                    stats.longest_outage_s = max(stats.longest_outage_s, time.monotonic() - first_failure)
            return True
        if status is not None and status not in RETRYABLE_STATUS:
            with lock:
                stats.refused.append((status, payload))
            return False
        first_failure = first_failure or time.monotonic()
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def counter_client(index: int, *, url: str, token: str, gates: list[str], batches: int, per_batch: int,
                   pause: float, stats: ClientStats, lock, expected: Counter, progress: list) -> None:
    rng = random.Random(index)
    sequence = 0
    previous = None
    for number in range(batches):
        stamp = datetime.now(dt_timezone.utc).isoformat()
        readings = []
        for _ in range(per_batch):
            sequence += 1
            reading = {"gate": rng.choice(gates), "time": stamp, "sequence": sequence,
                       "in": rng.randint(0, 20), "out": rng.randint(0, 15)}
            readings.append(reading)
        if not send_with_retries(url, token, readings, stats, lock):
            return
        with lock:
            stats.batches += 1
            expected["readings"] += len(readings)
            expected["in"] += sum(r["in"] for r in readings)
            expected["out"] += sum(r["out"] for r in readings)
            progress[0] += 1
        if number % 10 == 9 and previous is not None:
            with lock:
                stats.resends += 1
            if not send_with_retries(url, token, previous, stats, lock):
                return
        previous = readings
        time.sleep(pause)


# ---------------------------------------------------------------------------------------------- the run


def run(*, devices: int = 4, batches: int = 150, per_batch: int = 50, pause: float = 0.02,
        down_seconds: float = 3.0, conn_max_age: int = 0, workers: int = 2, server_log: str = "",
        out=print) -> dict:
    cluster = PrivateCluster()
    server = None
    try:
        started = time.monotonic()
        cluster.init_and_start()
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p",
                        str(cluster.port), "anbao"] if os.geteuid() == 0 else
                       [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "anbao"], check=True)
        database_url = cluster.url("anbao")
        info = run_child(database_url, ["--prepare", str(devices)])
        out(f"private cluster on 127.0.0.1:{cluster.port}, migrated and prepared in "
            f"{time.monotonic() - started:.1f} s")

        port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
               "DEBUG": "0", "DB_CONN_MAX_AGE": str(conn_max_age), "LOG_LEVEL": "ERROR"}
        env.pop("REDIS_URL", None)
        log = open(server_log, "w") if server_log else subprocess.DEVNULL
        server = subprocess.Popen([GUNICORN, "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
                                   "--timeout", "30", "--log-level", "info", "--access-logfile", "-",
                                   "--access-logformat", '%(t)s "%(r)s" %(s)s %(M)sms'], cwd=REPO, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(port)
        url = f"http://127.0.0.1:{port}/api/eventday/readings/"

        stats, lock, expected, progress = ClientStats(), threading.Lock(), Counter(), [0]
        total_batches = devices * batches
        clients = [threading.Thread(target=counter_client, args=(i,), kwargs=dict(
            url=url, token=token, gates=info["gates"], batches=batches, per_batch=per_batch, pause=pause,
            stats=stats, lock=lock, expected=expected, progress=progress)) for i, token in enumerate(info["tokens"])]
        faults = []

        def inject_faults() -> None:
            while progress[0] < total_batches // 3:
                time.sleep(0.01)
            moment = time.monotonic()
            cluster.restart()
            faults.append(f"pg_ctl restart -m fast at batch {progress[0]}/{total_batches} "
                          f"({time.monotonic() - moment:.2f} s)")
            while progress[0] < 2 * total_batches // 3:
                time.sleep(0.01)
            at = progress[0]
            moment = time.monotonic()
            cluster.stop()
            time.sleep(down_seconds)
            cluster.start()
            faults.append(f"pg_ctl stop -m fast, {down_seconds:g} s down, start at batch {at}/{total_batches} "
                          f"({time.monotonic() - moment:.2f} s without a database)")

        injector = threading.Thread(target=inject_faults, daemon=True)
        begun = time.monotonic()
        injector.start()
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=600)
        injector.join(timeout=120)
        elapsed = time.monotonic() - begun
        stored = totals(database_url, info["event"], info["zone"])
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.destroy()

    exact = (stored["readings"] == expected["readings"] and stored["readings_in"] == expected["in"]
             and stored["readings_out"] == expected["out"] and stored["tally_entries"] == expected["in"]
             and stored["tally_exits"] + stored["exits_discarded"] == expected["out"]
             and stored["zone_entries"] == expected["in"]
             and stored["zone_exits"] + stored["exits_discarded"] == expected["out"])
    result = {"devices": devices, "batches_planned": total_batches, "per_batch": per_batch,
              "conn_max_age": conn_max_age, "faults": faults, "elapsed_s": round(elapsed, 1),
              "posts": stats.posts, "acknowledged": stats.batches, "resends": stats.resends,
              "retried": stats.retries, "failures": dict(stats.failures), "refused": stats.refused[:3],
              "accepted": stats.accepted, "duplicates": stats.duplicates,
              "longest_outage_s": round(stats.longest_outage_s, 2), "expected": dict(expected), "stored": stored,
              "exact": exact and not stats.refused and len(faults) == 2}
    for fault in faults:
        out(f"fault: {fault}")
    out(f"{devices} counters x {batches} batches x {per_batch} readings (DB_CONN_MAX_AGE={conn_max_age}), "
        f"{elapsed:.1f} s")
    out(f"sent {stats.posts} POSTs: acknowledged {stats.batches} batches + {stats.resends} deliberate resends, "
        f"retried {stats.retries} (failures: {dict(stats.failures) or 'none'}; longest outage seen by a "
        f"counter {stats.longest_outage_s:.2f} s); refused {len(stats.refused)}")
    out(f"server: {stats.accepted} readings counted, {stats.duplicates} recognised as duplicates")
    out(f"expected: {expected['readings']} readings, in {expected['in']}, out {expected['out']}")
    out(f"stored:   {stored['readings']} readings, in {stored['readings_in']}, out {stored['readings_out']}; "
        f"event tally {stored['tally_entries']}/{stored['tally_exits']}; zone {stored['zone_entries']}/"
        f"{stored['zone_exits']}")
    out("EXACT" if result["exact"] else "NOT EXACT")
    return result


def main() -> int:
    if len(sys.argv) >= 2 and sys.argv[1] == "--prepare":
        print(json.dumps(prepare(int(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=4)
    parser.add_argument("--batches", type=int, default=150, help="batches per device (150)")
    parser.add_argument("--readings", type=int, default=50, help="readings per batch (50)")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between a device's batches")
    parser.add_argument("--down-seconds", type=float, default=3.0, help="outage of the second fault (3)")
    parser.add_argument("--conn-max-age", type=int, default=0, help="DB_CONN_MAX_AGE of the server (0)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--server-log", default="", help="write gunicorn's log (with request times) here")
    args = parser.parse_args()
    result = run(devices=args.devices, batches=args.batches, per_batch=args.readings, pause=args.pause,
                 down_seconds=args.down_seconds, conn_max_age=args.conn_max_age, workers=args.workers,
                 server_log=args.server_log)
    return 0 if result["exact"] else 1


if __name__ == "__main__":
    sys.exit(main())
