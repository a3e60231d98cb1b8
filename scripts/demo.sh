#!/usr/bin/env bash
# Installs everything and starts the portal with demo data on SQLite with Celery eager: nothing else needed.
set -euo pipefail
cd "$(dirname "$0")/.."
# Development settings (DEBUG, a development key, the demo loader allowed): chosen here, never by default.
export DJANGO_SETTINGS_MODULE=config.settings.local
scripts/setup.sh
export DATABASE_URL="${DEMO_DATABASE_URL:-sqlite:///$(pwd)/demo.sqlite3}"
unset REDIS_URL
.venv/bin/python manage.py migrate -v 0
.venv/bin/python manage.py load_demo
address="${ANBAO_ADDR:-127.0.0.1:8000}"
echo "==> open http://${address}/ and sign in with one of the demo logins above"
exec .venv/bin/python manage.py runserver "$address"
