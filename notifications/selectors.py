"""Reads of notifications: only the user's own."""
from django.db.models import QuerySet

from .models import Notification


def notifications_for(user) -> QuerySet:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).select_related("application", "application__event")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_counts(user) -> dict:
    """Unread notifications, and how many of them are urgent (one query)."""
    if not user.is_authenticated:
        return {"unread": 0, "urgent": 0}
    from django.db.models import Count, Q

    counts = Notification.objects.filter(user=user, read_at__isnull=True).aggregate(
        unread=Count("pk"), urgent=Count("pk", filter=Q(priority=Notification.Priority.HIGH)))
    return {"unread": counts["unread"] or 0, "urgent": counts["urgent"] or 0}


LIST_SORTS = {"-created": ("-created_at", "-id"), "created": ("created_at", "id"),
              "priority": ("priority_rank", "-created_at", "-id"), "due": ("due_date", "-created_at", "-id")}


def notifications_listed(user, params) -> tuple[QuerySet, dict]:
    """The list page's rows: the user's own, filtered by priority (?priority=high|normal|info) and unread
    (?unread=1), sorted (?sort=-created|created|priority|due; a due date first, those without last). Returns the
    queryset and the values understood (unknown ones ignored)."""
    from django.db.models import Case, F, IntegerField, Value, When

    from .models import PRIORITY_RANK

    queryset = notifications_for(user)
    priority = params.get("priority", "")
    if priority in Notification.Priority.values:
        queryset = queryset.filter(priority=priority)
    else:
        priority = ""
    unread = params.get("unread") == "1"
    if unread:
        queryset = queryset.filter(read_at__isnull=True)
    sort = params.get("sort", "-created")
    if sort not in LIST_SORTS:
        sort = "-created"
    if sort == "priority":
        queryset = queryset.annotate(priority_rank=Case(
            *(When(priority=level, then=Value(rank)) for level, rank in PRIORITY_RANK.items()),
            default=Value(9), output_field=IntegerField()))
    order = [F("due_date").asc(nulls_last=True) if key == "due_date" else key for key in LIST_SORTS[sort]]
    return queryset.order_by(*order), {"priority": priority, "unread": unread, "sort": sort}
