"""{% calendar_warnings application %} on the application page: its oversubscribed days and conflicts (police)."""
from django import template

from ..calendar.services import application_warnings

register = template.Library()


@register.inclusion_tag("calendar/_application_warnings.html", takes_context=True)
def calendar_warnings(context, application):
    user = context["request"].user
    if not (user.is_police or user.is_superuser):
        return {"warnings": None}
    return {"warnings": application_warnings(application, user)}
