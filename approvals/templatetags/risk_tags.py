"""{{ assessment.trigger|risk_trigger }}: what started an assessment, in words (approvals.risk.bridge)."""
from django import template

from approvals.risk.bridge import trigger_label

register = template.Library()


@register.filter
def risk_trigger(trigger: str) -> str:
    return trigger_label(trigger)
