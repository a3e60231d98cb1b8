"""{% clocks_of application as clocks %}: the application's statutory clocks (approvals.clocks), those a list
attached already (attach_clocks) or computed now for one application."""
from django import template

from approvals import clocks as clock_services

register = template.Library()


@register.simple_tag
def clocks_of(application) -> list:
    attached = getattr(application, "clocks", None)
    if attached is not None:
        return attached
    application.clocks = clock_services.application_clocks(application)
    return application.clocks


@register.simple_tag
def pending_extension(application, clocks):
    """The extension request awaiting a supervisor, while the decision clock runs (else None)."""
    if not any(clock.kind == "decision" for clock in clocks):
        return None
    return clock_services.extension_pending(application)


@register.simple_tag
def draft_outlook(application) -> dict | None:
    """For a draft: the latest day to submit on time (the lead clock, Order 505 Art. 13: the catalogue's
    submission_lead_days before the first session; a later submission is still accepted but flagged 逾期申请),
    and whether its headcount makes it a city-level case (Art. 12: the catalogue's threshold a session, so the
    city bureau decides). None once submitted. Reads only the event and catalogue the page loaded."""
    if application.submitted_at is not None or application.state != "draft":
        return None
    from django.utils import timezone

    from approvals.workflow import deadlines

    today = timezone.localdate()
    catalogue = application.catalogue
    lead = deadlines.Deadline("lead", deadlines.latest_deferred_due_date(
        timezone.localtime(application.event.start_at).date(), days_before_event=catalogue.submission_lead_days),
        today)
    return {"lead": lead, "lead_days": catalogue.submission_lead_days,
            "city_level": application.event.expected_attendance >= catalogue.city_level_threshold,
            "threshold": catalogue.city_level_threshold}
