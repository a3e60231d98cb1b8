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
