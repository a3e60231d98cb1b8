"""A PDF worker killed in the middle of a render: the plan is still produced once, by another worker.

Runs bench/pdf_kill.py's two scenarios against the test database, with two real `celery worker -Q pdf`
processes over REDIS_URL: the rendering prefork child SIGKILLed (acks_late + reject_on_worker_lost requeue the
task), then a whole worker SIGKILLed (the message comes back after a 6 s visibility timeout).
"""
import importlib.util
import os
from pathlib import Path

import pytest

from plans.models import PlanVersion
from tests.conftest import require_postgresql

BENCH = Path(__file__).resolve().parents[2] / "bench" / "pdf_kill.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pdf_kill", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def broker_restored():
    """The drill points this process's Celery app at Redis; put back what the other tests expect."""
    from config.celery import app
    from tests.conftest import reset_broker_connections

    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url", "result_backend")}
    yield
    app.conf.update(**old)
    reset_broker_connections(app)


@pytest.mark.worker
@pytest.mark.postgres
def test_a_worker_killed_mid_render_leaves_one_ready_pdf_rendered_by_another(transactional_db, settings, tmp_path,
                                                                             broker_restored):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("REDIS_URL is not set: the worker tests need the machine's Redis (your own DB number).")
    require_postgresql("worker processes need a database they can reach")
    bench = _bench()
    applications = bench.seed_applications(2)
    lines = []
    results = bench.run_drill(applications=applications, database_url=bench.database_url_of_default_connection(),
                              redis_url=redis_url, media_root=Path(settings.MEDIA_ROOT), workdir=tmp_path,
                              out=lines.append)
    print("\n" + "\n".join(lines))
    assert [r["scenario"] for r in results] == ["child", "worker"]
    for result in results:
        assert result["status_at_kill"] == PlanVersion.Status.RENDERING, result
        assert result["status"] == PlanVersion.Status.READY, result
        # What users need, whatever the machine's load: exactly one ready PDF for that content, its file intact.
        # How many deliveries that took is timing (a busy machine may outlast the visibility timeout once more,
        # and a redelivered copy may even render alongside): at least the killed one and the one that finished.
        assert result["attempts"] >= 2, result
        assert result["versions_for_content"] == result["ready_versions"] == 1, result
        assert result["files"] == ["v1.pdf"] and result["sha256_matches"], result
        assert result["rendered_by"], result
    # A whole worker killed: the surviving one rendered it.
    assert set(results[1]["rendered_by"]) - {results[1]["owner"]}, results[1]
