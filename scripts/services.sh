#!/usr/bin/env bash
# Sourced by the test and demo scripts: use the machine's PostgreSQL and Redis when they answer (starting them
# when they are installed but stopped), and export DATABASE_URL / REDIS_URL for them. Otherwise leave both
# unset: anbao then runs on SQLite with Celery eager.
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ]; then
  if ! answers 5432 && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
    sleep 2
  fi
  if answers 5432; then export DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"; fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  if ! answers 6379 && command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
    sleep 1
  fi
  if answers 6379; then export REDIS_URL="redis://127.0.0.1:6379/0"; fi
fi
echo "==> database: ${DATABASE_URL:-SQLite (embedded)}; broker: ${REDIS_URL:-none (Celery eager)}"
