"""Shared fixtures: media in a temp dir, users per role, a real Celery worker over Redis when asked for."""
import os

import pytest

from . import factories


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (zh-hans): an English request or `activate("en")` in an earlier
    test of the same process must not leak into the next one's messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organizer(db):
    return factories.OrganizerUserFactory()


@pytest.fixture
def other_organizer(db):
    return factories.OrganizerUserFactory()


@pytest.fixture
def reviewer(db):
    return factories.ReviewerFactory()


@pytest.fixture
def draft(organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    return factories.create_application(organizer, venue=venue)


def unavailable(reason: str) -> None:
    """A test whose real part (PostgreSQL, redis-server) is missing here fails, never skips: `make test` starts
    them, and a suite that passes by skipping proves nothing."""
    pytest.fail(f"{reason}: `make test` provides it (scripts/services.sh)")


def require_postgresql(why: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable(f"needs PostgreSQL: {why}")


def reset_broker_connections(app) -> None:
    """Drop pooled broker connections so the next publish connects to the current broker_url."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps pools in a global registry keyed by connection: a closed one would be handed out again.
    pools.reset()


@pytest.fixture
def redis_server_binary() -> str:
    """redis-server, for the tests that play a broker going away and coming back (a failure under CI, like
    every other missing real part)."""
    import shutil

    path = shutil.which("redis-server")
    if not path:
        unavailable("needs redis-server to play the broker")
    return path


def wait_until(condition, *, timeout: float = 60, every: float = 0.05, what: str = "the condition"):
    """Poll `condition` until it returns something truthy (returned) or fail after `timeout` seconds. A deadline
    generous enough for a loaded CI machine, never a fixed sleep: a fast machine returns at once."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(every)


def _answers(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def start_redis_server(port: int):
    """A throw-away redis-server on `port` (no persistence), once it answers."""
    import subprocess

    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: _answers(port), timeout=30, what=f"redis-server on port {port} answering")
    return server


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


@pytest.fixture
def celery_worker_over_redis(transactional_db, settings):
    """A real Celery worker consuming from the machine's Redis, in a thread of this process.

    Needs REDIS_URL; the test database must be committed-to (transactional_db) so the worker sees the rows.
    """
    url = redis_url()
    if not url:
        pytest.fail("REDIS_URL is not set: the worker tests need the machine's Redis (see scripts/test.sh).")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    reset_broker_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30,
                          loglevel="WARNING") as worker:
            yield worker
    finally:
        app.conf.update(**old)
        reset_broker_connections(app)


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "celery_worker_over_redis", "pdf_worker_over_redis"}


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by flushing the database. In one process pytest-django runs those tests last, but
    pytest-xdist hands each process whole files in its own order, so a regular test may come next in the same
    process: put the seed rows (the serialized test database) back before it runs."""
    yield
    # The last test of the process (nextitem None) is followed by the test database's teardown: nothing to restore.
    if nextitem is None or not _is_transactional(item) or _is_transactional(nextitem):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    if not hasattr(connection, "_test_serialized_contents"):
        return
    with item.config.stash[blocking_manager_key].unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def pytest_collection_modifyitems(config, items):
    """Transactional tests flush the database, seeded rows included (catalogue, role groups, risk model, event-day
    thresholds): give every one of them serialized rollback so the next test finds the seed data again.

    pytest-django reads serialized_rollback from the django_db marker when there is one (and then ignores the
    fixture), so such a marker is replaced by the same marker with serialized_rollback=True."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        by_fixture = bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))
        if marker is not None:
            kwargs = dict(marker.kwargs)
            if marker.args:
                kwargs.setdefault("transaction", marker.args[0])
            if by_fixture:
                kwargs["transaction"] = True
            if kwargs.get("transaction") and not kwargs.get("serialized_rollback"):
                kwargs["serialized_rollback"] = True
                item.add_marker(pytest.mark.django_db(**kwargs), append=False)
        elif by_fixture and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


# ---------------------------------------------------------------------------------------------- security figures
# Reported here, in the root conftest: under pytest-xdist only this one is loaded by the controller, which
# collects the figures each worker counted.


def pytest_sessionfinish(session):
    from tests.security.figures import FIGURES

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["security_figures"] = dict(FIGURES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.security.figures import FIGURES

    FIGURES.update(getattr(node, "workeroutput", {}).get("security_figures", {}))


def pytest_terminal_summary(terminalreporter):
    from tests.security.figures import FIGURES

    if not FIGURES:
        return
    terminalreporter.section("security figures")
    for name in sorted(FIGURES):
        terminalreporter.write_line(f"{name}: {FIGURES[name]}")
