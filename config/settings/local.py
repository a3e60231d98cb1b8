"""Development settings, chosen explicitly (`DJANGO_SETTINGS_MODULE=config.settings.local`, as scripts/demo.sh
and the Makefile do): DEBUG on unless DEBUG says otherwise, a development key, the demo loader allowed.
Never for a deployment: the entry points default to config.settings.production."""
import hashlib
import os
import re

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, DATABASES, REDIS_URL, env_bool

SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-insecure-anbao-key-change-me-in-production-0123456789"
DEBUG = env_bool("DEBUG", True)
# In development whitenoise serves straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DEMO_DATA_ALLOWED = True


def filesystem_broker_folder(database: dict) -> str:
    """Where the filesystem broker keeps the messages of this database: one folder per database, so a worker
    never runs another database's tasks (task arguments are row ids)."""
    name = str(database.get("NAME") or "default")
    label = re.sub(r"[^A-Za-z0-9_.-]+", "_", os.path.basename(name))[:40]
    digest = hashlib.sha1(f"{database.get('HOST', '')}:{database.get('PORT', '')}/{name}".encode()).hexdigest()[:8]
    return str(BASE_DIR / "var" / "celery" / f"{label}-{digest}")


# Background work is real in development and in the demo too, without Redis: without REDIS_URL or
# CELERY_BROKER_URL, tasks go through kombu's filesystem transport (a folder of message files under var/celery/)
# to the worker that scripts/demo.sh starts (`make worker` for a plain runserver). A request only writes the
# message: a PDF or a re-assessment never runs inside it. CELERY_TASK_ALWAYS_EAGER=true brings back in-process
# tasks (a unit test asks for them in config/settings/test.py).
if not REDIS_URL and not os.environ.get("CELERY_BROKER_URL"):
    CELERY_FILESYSTEM_FOLDER = os.environ.get("CELERY_FILESYSTEM_FOLDER") or filesystem_broker_folder(
        DATABASES["default"])
    for _folder in ("queue", "control"):
        os.makedirs(os.path.join(CELERY_FILESYSTEM_FOLDER, _folder), exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    # The producer writes where the worker reads: one folder in and out. Polled every half second.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": os.path.join(CELERY_FILESYSTEM_FOLDER, "queue"),
        "data_folder_out": os.path.join(CELERY_FILESYSTEM_FOLDER, "queue"),
        "control_folder": os.path.join(CELERY_FILESYSTEM_FOLDER, "control"),
        "polling_interval": 0.5,
    }
    CELERY_RESULT_BACKEND = None  # nothing reads task results
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
