"""Demo: the security plan PDF of every approved demo application (Celery eager on SQLite: rendered in-process).

Called by `manage.py load_demo` after the workflow demo has approved its applications. Idempotent: a plan whose
content is unchanged is not rendered again.
"""
from approvals.models import Application

from .models import PlanVersion
from .services import TRIGGER_STATES, plan_request


def load_demo(stdout) -> list[PlanVersion]:
    versions = []
    approved = Application.objects.filter(state__in=TRIGGER_STATES).select_related("event").order_by("pk")
    for application in approved:
        version = plan_request(application=application, user=None, trigger="demo")
        version.refresh_from_db()
        versions.append(version)
        stdout.write(f"  plan PDF of {application.event.name}: v{version.number} {version.get_status_display()}"
                     + (f", {version.pages} pages" if version.pages else ""))
    if not versions:
        stdout.write("  plan PDF: no approved demo application yet (nothing rendered)")
    return versions
