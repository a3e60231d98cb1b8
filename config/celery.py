"""The Celery application; tasks live in each app's tasks.py (or a sub-package's, listed below)."""
import os

from celery import Celery

# Production unless told otherwise (it refuses to start without SECRET_KEY); development selects
# DJANGO_SETTINGS_MODULE=config.settings.local, the tests config.settings.test.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("anbao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Apps whose tasks live in a sub-package (approvals: each sub-domain has its own tasks.py).
app.autodiscover_tasks(["approvals.workflow", "approvals.risk", "approvals.clocks"])
