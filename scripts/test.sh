#!/usr/bin/env bash
# Installs everything, then runs the whole test suite against the machine's PostgreSQL and Redis when present.
# The suite runs in parallel processes (pytest-xdist; each has its own test database and Redis database, see
# config/settings/test.py); TEST_WORKERS sets how many (default: 3 on this 2-core machine — browser, worker and
# database waits leave room for a third), and `-n 0` among the arguments runs it in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
# The test settings, whatever a developer's shell selected (an exported DJANGO_SETTINGS_MODULE beats pyproject).
export DJANGO_SETTINGS_MODULE=config.settings.test
scripts/setup.sh
source scripts/services.sh
set +e
started=$(date +%s)
.venv/bin/python -m pytest -n "${TEST_WORKERS:-3}" --dist loadfile "$@"
status=$?
echo "==> test suite: exit ${status} after $(( $(date +%s) - started )) s"
set -e
if [ "$status" -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi
exit "$status"
