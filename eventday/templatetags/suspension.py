"""The red suspension (熔断) banner: `{% include "includes/suspension_banner.html" %}` on any page.

On a page of one application (the context has `application`, or an event-day `event`) it shows that
application's suspension in force; on a landing page, one banner per suspended application the user may see."""
from django import template

from approvals.models import Application
from eventday import selectors

register = template.Library()


def _page_application(context):
    application = context.get("application")
    if isinstance(application, Application):
        return application
    event = context.get("event")
    return getattr(event, "application", None) if event is not None else None


@register.simple_tag(takes_context=True)
def suspension_banners(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return []
    application = _page_application(context)
    if application is None and context.get("event") is not None:
        return []  # an event page without an application: nothing to show
    return selectors.suspension_banners(user, application=application)
