#!/usr/bin/env bash
# Installs everything and starts the portal with demo data on SQLite, with a real Celery worker (and beat) over
# kombu's filesystem transport (config/settings/local.py): nothing else needed, no Redis. A click never waits for
# background work: plan PDFs, risk re-assessments and e-mails run in the worker; the page shows "生成中" and
# polls. The worker stops with the portal (Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
# Development settings (DEBUG, a development key, the demo loader allowed): chosen here, never by default.
export DJANGO_SETTINGS_MODULE=config.settings.local
scripts/setup.sh
export DATABASE_URL="${DEMO_DATABASE_URL:-sqlite:///$(pwd)/demo.sqlite3}"
unset REDIS_URL CELERY_BROKER_URL CELERY_TASK_ALWAYS_EAGER
.venv/bin/python manage.py migrate -v 0

# The worker's messages and log live beside the database's own folder of the filesystem broker (var/celery/).
broker_folder=$(.venv/bin/python -c "from config.settings.local import CELERY_FILESYSTEM_FOLDER as f; print(f)")
log="$broker_folder/worker.log"
echo "==> starting the Celery worker and beat (filesystem broker in $broker_folder, log in $log)"
.venv/bin/celery -A config worker --beat --schedule "$broker_folder/beat-schedule" -Q default,pdf \
  --concurrency "${DEMO_WORKER_CONCURRENCY:-2}" --without-mingle --without-gossip -l INFO --logfile "$log" &
worker=$!
server=""
stop_demo() {
  trap - EXIT INT TERM
  for pid in $server $worker; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  echo "==> stopping the portal and the Celery worker (warm shutdown: a task under way finishes)"
  wait 2>/dev/null || true
}
trap stop_demo EXIT
trap 'stop_demo; exit 130' INT TERM

# The demo's plan PDFs and risk assessments are queued as the portal would queue them: the worker renders them
# while the portal starts (the pages show them as they become ready).
.venv/bin/python manage.py load_demo
address="${ANBAO_ADDR:-127.0.0.1:8000}"
echo "==> open http://${address}/ and sign in with one of the demo logins above (Ctrl-C stops everything)"
# In the background, waited for: a signal to this script (Ctrl-C, kill) runs the trap at once.
.venv/bin/python manage.py runserver "$address" &
server=$!
wait "$server"
