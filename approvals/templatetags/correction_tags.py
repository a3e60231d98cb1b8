"""Template tags of corrections (补正, approvals.workflow.corrections): the reviewer's form, the organizer's
notice, which items an edit page may change, and the revision diff."""
from django import template
from django.utils import timezone

from approvals import access
from approvals.workflow import corrections
from approvals.workflow.states import state_has

register = template.Library()


@register.simple_tag
def correction_form(application) -> dict:
    """What the return form offers: every correctable item by kind, the default and the latest due date."""
    return {"groups": corrections.correctable_items(application),
            "default_due": corrections.default_due_date(application),
            "latest_due": corrections._latest_due_date(application),
            "needs_items": application.state != "submitted"}


@register.simple_tag
def correction_notice(application, user) -> dict | None:
    """The open correction as the organizer and the police read it (what, by when, where to change it)."""
    correction = corrections.open_correction(application)
    if correction is None or not (application.user_may(user, access.CHANGE) or application.user_may(user, access.REVIEW)):
        return None
    days_left = (correction.due_date - timezone.localdate()).days
    return {"correction": correction, "items": corrections.describe_items(application, correction.items),
            "days_left": days_left, "days_overdue": -days_left}


@register.simple_tag
def correction_item(application, kind, key, performer=None) -> dict:
    """For an edit page: may this item be changed now, and is it one the correction asks for (highlighted)."""
    return {"editable": corrections.may_edit(application, kind, key, performer=performer),
            "requested": corrections.is_requested(application, kind, key)}


@register.simple_tag
def revision_diff(application, user) -> dict | None:
    """For the police while the application is undecided: what changed since the latest correction was
    requested (old → new)."""
    if not (getattr(user, "is_police", False) and application.user_may(user, access.REVIEW)):
        return None
    if not state_has(application.state, "undecided"):
        return None
    correction = corrections.latest_correction(application)
    if correction is None:
        return None
    rows = corrections.revision_changes(correction)
    grouped: dict = {}
    for row in rows:
        grouped.setdefault((row.kind, row.key), {"kind_label": row.kind_label, "label": row.label,
                                                  "change": row.change, "rows": []})["rows"].append(row)
    return {"correction": correction, "items": corrections.describe_items(application, correction.items),
            "changes": list(grouped.values()), "count": len(rows)}
