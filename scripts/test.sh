#!/usr/bin/env bash
# Installs everything, then runs the whole test suite against the machine's PostgreSQL and Redis when present.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/services.sh
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi
exit "$status"
