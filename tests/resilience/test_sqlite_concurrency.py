"""The embedded SQLite database (the demo's) under concurrent requests: the loser of a race gets the same 409 as
on PostgreSQL, never "database is locked" (a 500), and a page read during the race still answers.

The suite's own database is PostgreSQL, so the race runs in a subprocess on a SQLite file of its own
(tests/resilience/sqlite_race.py): two reviewers accept the same application at once, five times, while a third
client reads the application page.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("sqlite_race.py")


def test_two_reviewers_accepting_at_once_on_sqlite_get_one_success_and_one_conflict(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}", "REDIS_URL": "",
           "MEDIA_ROOT": str(tmp_path / "media"), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run([sys.executable, str(SCRIPT), "5"], env=env, capture_output=True, text=True, timeout=600,
                          cwd=SCRIPT.parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["races"] == [[200, 409]] * 5, outcome
    assert set(outcome["reads"]) == {200}, outcome
    assert outcome["accepted"] == 5
