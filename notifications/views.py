"""Pages of notifications: the list, mark one or all as read."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .selectors import notifications_for, notifications_listed, unread_counts
from .services import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request):
    """The user's notices, filtered by priority and unread, sorted by time, priority or due date."""
    from .models import Notification

    queryset, chosen = notifications_listed(request.user, request.GET)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/list.html", {
        "page": page, "chosen": chosen, "priorities": Notification.Priority.choices, "query": query.urlencode(),
        "sorts": [("-created", _("最新在前")), ("priority", _("按优先级")), ("due", _("按截止日期"))]})


@login_required
def unread_badge(request):
    """The nav bar's unread count (fetched by htmx after the page loaded)."""
    return render(request, "notifications/unread_badge.html", unread_counts(request.user))


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(notification=notification, user=request.user)
    target = request.POST.get("next") or notification.link
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
