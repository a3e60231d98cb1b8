"""Development settings, chosen explicitly (`DJANGO_SETTINGS_MODULE=config.settings.local`, as scripts/demo.sh
and the Makefile do): DEBUG on unless DEBUG says otherwise, a development key, the demo loader allowed.
Never for a deployment: the entry points default to config.settings.production."""
import os

from .base import *  # noqa: F401,F403
from .base import env_bool

SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-insecure-anbao-key-change-me-in-production-0123456789"
DEBUG = env_bool("DEBUG", True)
# In development whitenoise serves straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DEMO_DATA_ALLOWED = True
