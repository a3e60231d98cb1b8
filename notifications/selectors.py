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
