"""{% application_progress application as progress %}: the organizer's stepper and next step
(approvals.workflow.progress), from the clocks the page drew already."""
from django import template
from django.utils import timezone

from approvals import clocks as clock_services
from approvals.applications.selectors import deferred_commitments_of
from approvals.models import Permit
from approvals.workflow import progress

register = template.Library()


@register.simple_tag
def application_progress(application) -> dict:
    found = getattr(application, "clocks", None)
    if found is None:
        found = application.clocks = clock_services.application_clocks(application)
    policy = clock_services.application_policy(application)
    state = application.state
    permit_issued = Permit.objects.filter(application=application).exists()
    reviewer = application.assigned_reviewer
    return {
        "steps": progress.progress_steps(
            state=state, clocks=found, acceptance_days=policy.acceptance_days,
            decision_days=policy.effective_decision_days, decision_working=policy.decision_days_are_working_days,
            lead_days=application.catalogue.submission_lead_days,
            event_day=timezone.localtime(application.event.start_at).date(), permit_issued=permit_issued),
        "next": progress.next_step(
            state=state, clocks=found, reviewer_name=str(reviewer) if reviewer else "",
            commitment_signed=any(c.signed_at for c in deferred_commitments_of(application))),
        "reviewer": reviewer,
    }
