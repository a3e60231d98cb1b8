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
