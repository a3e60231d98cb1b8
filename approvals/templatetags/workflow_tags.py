"""{% workflow_panel application request as panel %}: what the actions panel may offer this user, drawn from
the action registry (approvals.workflow.registry): its buttons and forms, each entry's include and labels."""
from django import template
from django.utils import timezone

from approvals import workflow
from approvals.models import ApplicationState, Permit
from approvals.applications.requirements import requirements_for
from approvals.applications.selectors import deferred_commitments_of
from approvals.opinions import services as opinions
from approvals.opinions.models import OpinionRequest
from approvals.workflow.states import state_has

register = template.Library()


@register.simple_tag
def workflow_panel(application, request) -> dict:
    user = request.user
    actions = workflow.available_actions(application, user)
    panel = {"actions": set(actions), "any": bool(actions), "deadlines": workflow.application_deadlines(application),
             "commitments": [], "blockers": [], "today": timezone.localdate()}
    # What the state allows but another authority decides (e.g. the city bureau): said, not silently missing.
    panel["withheld"] = [{"code": code, "label": workflow.REGISTRY[code].label, "reason": reason}
                         for code, reason in workflow.withheld_actions(application, user).items()]
    entries = workflow.panel_entries(application, user)
    panel["buttons"] = [entry for entry in entries if entry.is_button]
    panel["forms"] = [entry for entry in entries if not entry.is_button]
    panel["any"] = panel["any"] or bool(panel["withheld"])
    if {"approve", "confirm_post_review"} & panel["actions"]:
        panel["blockers"] = workflow.approval_blockers(application)
    if "approve_provisionally" in panel["actions"]:
        panel["provisional_blockers"] = application.provisional_blockers()
    # A decision the panel already knows will fail is offered disabled, with its reasons (not a click, a
    # confirmation and then an error).
    refused = {name: panel["blockers"] for name in ("approve", "confirm_post_review")}
    refused["approve_provisionally"] = panel.get("provisional_blockers", [])
    for kind in ("buttons", "forms"):
        kept = []
        for entry in panel[kind]:
            reasons = refused.get(entry.name)
            if reasons:
                panel["withheld"].append({"code": entry.name, "label": entry.label,
                                          "reason": " ".join(str(r) for r in reasons)})
            else:
                kept.append(entry)
        panel[kind] = kept
    if "accept_with_deferred" in panel["actions"]:
        # The form's defaults are exactly what the service accepts: the missing deferrable documents that apply.
        panel["deferrable"] = requirements_for(application).deferrable
        panel["latest_due"] = workflow.latest_deferred_due(application)
    if "assign_reviewer" in panel["actions"]:
        panel["reviewers"] = workflow.reviewer_choices(application)
    if "assign_culture_vetting" in panel["actions"]:
        panel["officials"] = workflow.culture_official_choices()
    # The departments' opinions (approvals.opinions): the police read all, a department its own.
    panel["opinions"] = opinions.opinions_visible_to(user, application)
    panel["may_withdraw_opinions"] = "request_opinions" in panel["actions"]
    panel["may_answer"] = state_has(application.state, "deciding")
    panel["verdicts"] = OpinionRequest.Verdict.choices
    if "request_opinions" in panel["actions"]:
        asked = {o.department_id for o in opinions.opinions_of(application)}
        panel["departments"] = [d for d in opinions.department_choices(application) if d.pk not in asked]
    if "approve" in panel["actions"]:
        panel["library_conditions"] = opinions.library_conditions_for(application)
    for commitment in deferred_commitments_of(application):
        outstanding = commitment.outstanding_documents()
        panel["commitments"].append({
            "commitment": commitment, "outstanding": outstanding,
            "days_left": (commitment.due_date - panel["today"]).days,
            "documents": [d.document_type.name for d in commitment.documents.all()]})
    panel["suspension"] = (application.suspensions.filter(resumed_at__isnull=True).first()
                           if application.state == ApplicationState.SUSPENDED else None)
    panel["permit"] = Permit.objects.filter(application=application).first()
    panel["rejected"] = application.state == ApplicationState.REJECTED
    return panel


@register.simple_tag
def state_label(application, request) -> str:
    """The state as this user should read it: plain language for the organizer (approvals.workflow.states)."""
    return workflow.label_for(application.state, getattr(request, "user", None))
