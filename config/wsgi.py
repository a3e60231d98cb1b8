"""WSGI entry point."""
import os

from django.core.wsgi import get_wsgi_application

# Production unless told otherwise (it refuses to start without SECRET_KEY); development selects
# DJANGO_SETTINGS_MODULE=config.settings.local, the tests config.settings.test.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
