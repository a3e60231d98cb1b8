"""PostgreSQL restarts while gate counters send batches: with retries, the totals come out exact.

Runs bench/db_restart.py small: a private PostgreSQL cluster (never the machine's main one), gunicorn on
loopback, two counter clients; a fast restart at a third of the batches, a 1.5 s outage at two thirds.
"""
import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import unavailable

BENCH = Path(__file__).resolve().parents[2] / "bench" / "db_restart.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_db_restart", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _can_run_a_private_cluster() -> str | None:
    bench = _bench()
    if not (bench.PG_BIN / "initdb").exists():
        return f"no {bench.PG_BIN}/initdb"
    if os.geteuid() != 0 and not shutil.which("pg_ctl"):
        return "needs root (runuser -u postgres) or the PostgreSQL binaries"
    return None


@pytest.mark.postgres
def test_counts_survive_a_database_restart_mid_batch_exactly():
    reason = _can_run_a_private_cluster()
    if reason:
        unavailable(reason)
    lines = []
    result = _bench().run(devices=2, batches=45, per_batch=20, pause=0.02, down_seconds=1.5, out=lines.append)
    print("\n" + "\n".join(lines))
    assert len(result["faults"]) == 2, result
    assert result["retried"] > 0, "no request met the outage: the fault did not land mid-batch"
    assert not result["refused"], result["refused"]
    expected, stored = result["expected"], result["stored"]
    assert stored["readings"] == expected["readings"] == 2 * 45 * 20
    assert stored["readings_in"] == stored["tally_entries"] == stored["zone_entries"] == expected["in"]
    assert stored["readings_out"] == expected["out"]
    assert stored["tally_exits"] + stored["exits_discarded"] == stored["zone_exits"] + stored["exits_discarded"] \
        == expected["out"]
    assert result["exact"]
