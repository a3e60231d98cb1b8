"""Shared set-up of the benchmarks: their own PostgreSQL database, and Django configured as in production."""
import os
import sys
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent


def ensure_database(server_url: str, name: str, *, fresh: bool = False) -> str:
    """Create the benchmark's database on the server DATABASE_URL points at (dropped first when `fresh`);
    return its URL."""
    import psycopg2

    parts = urlsplit(server_url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"{Path(sys.argv[0]).name} needs PostgreSQL: DATABASE_URL=postgres://user@host:port/any_db")
    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    connection.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def configure_django(database_url: str, **environment: str) -> None:
    """Django on that database as in production (DEBUG off: no per-query bookkeeping), with eager Celery and a
    local-memory cache so nothing outside this process takes part unless a benchmark asks for it."""
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: collectstatic not run here
    os.environ.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
                       "DEBUG": "false", "LOG_LEVEL": "ERROR", **environment})
    if "REDIS_URL" not in environment:
        os.environ.pop("REDIS_URL", None)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()
