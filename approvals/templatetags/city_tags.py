"""Template tags of the city-level route and of changes after the permit (Order 505 Art. 12, 20): the district's
report to the city, the change request form's rows and the pending change to decide."""
from datetime import datetime

from django import template
from django.utils import timezone

from approvals import workflow

register = template.Library()


@register.simple_tag
def city_report(application):
    """The district's report to the city bureau (audit entry: actor, created_at, reason = the opinion)."""
    return workflow.city_report(application)


def _local_input(value: str) -> str:
    """An ISO time as a datetime-local input's value (local time, minutes)."""
    return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%dT%H:%M")


@register.simple_tag
def change_form(application) -> dict:
    """The organizer's change form: the permitted sessions (and one empty row), the venues it may move to (its
    organisation's, in the same district), the last day to file."""
    from events.models import Venue

    event = application.event
    rows = [{**row, "start_input": _local_input(row["start_at"]), "end_input": _local_input(row["end_at"])}
            for row in workflow.actions._session_rows(event)]
    rows.append({"name": "", "start_input": "", "end_input": "", "expected_attendance": ""})
    venues = Venue.objects.filter(owner_id=application.organisation_id, district_id=application.district_id) \
        .exclude(pk=event.venue_id).order_by("name")
    return {"sessions": rows, "venues": list(venues), "venue": event.venue,
            "notice_days": application.catalogue.change_notice_working_days,
            "latest": workflow.change_notice_deadline(application)}


@register.simple_tag
def pending_change(application):
    return workflow.pending_change(application)


@register.simple_tag
def change_history(application):
    return list(application.change_requests.select_related("decided_by", "deciding_authority").order_by("-filed_at"))
