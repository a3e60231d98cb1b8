"""API URLs of notifications (mounted under /api/)."""
from django.urls import path

from . import api

app_name = "notifications_api"
urlpatterns = [
    path("notifications/", api.NotificationListApi.as_view(), name="list"),
    path("notifications/unread-count/", api.UnreadCountApi.as_view(), name="unread_count"),
    path("notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="read"),
    path("notifications/read-all/", api.NotificationReadAllApi.as_view(), name="read_all"),
]
