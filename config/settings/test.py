"""Test settings: fast hasher, in-memory mail and cache; database and broker still from the environment."""
import os
from urllib.parse import urlsplit, urlunsplit


def _redis_database_per_xdist_worker(url: str) -> str:
    """pytest-xdist runs several test processes at once: each gets its own Redis database (gw0 → 10, gw1 → 11, …),
    as pytest-django gives each its own test database, so one process's Celery worker never takes another's tasks.
    The environment is updated too: fixtures and the worker processes the drills start read REDIS_URL from it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{10 + int(worker[2:])}"))


if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_database_per_xdist_worker(os.environ["REDIS_URL"])

from .base import *  # noqa: E402,F401,F403
from .base import REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Unit tests run tasks in-process; the worker tests start a real worker over REDIS_URL explicitly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Set here, not inherited: base settings have no key and DEBUG off (what the tests saw before: the finders serve
# static files, as in development).
SECRET_KEY = os.environ.get("SECRET_KEY") or "test-insecure-anbao-key-0123456789-abcdefghijklmnopqrstuvwxyz"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO_DATA_ALLOWED = True
# The generated suites send hundreds of requests per user within seconds: no rate may make them flaky. Every
# scope (whoever added it) is raised; tests/security/test_platform.py tests throttling with low rates itself.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    scope: "1000000/minute" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}}  # noqa: F405
