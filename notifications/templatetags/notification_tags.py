"""{% unread_notifications_count %}: the number shown on the nav bar."""
from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    request = context.get("request")
    if request is None:
        return 0
    # One query per page, cached on the request in case the nav is drawn twice.
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = unread_count(request.user)
    return request._unread_notifications
