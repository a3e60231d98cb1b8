"""API of notifications: the user's own list, unread count, mark read."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Notification
from .selectors import notifications_for, unread_count
from .services import notification_mark_read, notifications_mark_all_read


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id", allow_null=True)
    verb = serializers.CharField()
    priority = serializers.ChoiceField(choices=Notification.Priority.choices)
    message = serializers.CharField()
    action = serializers.CharField(help_text="What the reader is to do (empty: for information).")
    due_date = serializers.DateField(allow_null=True, help_text="By when.")
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationListApi(generics.ListAPIView):
    serializer_class = NotificationOutput
    filter_backends: list = []

    def get_queryset(self):
        return notifications_for(self.request.user)


class UnreadCountApi(APIView):
    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    def get(self, request):
        return Response({"unread": unread_count(request.user)})


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses=NotificationOutput)
    def post(self, request, pk):
        notification = generics.get_object_or_404(notifications_for(request.user), pk=pk)
        notification = notification_mark_read(notification=notification, user=request.user)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    def post(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)}, status=status.HTTP_200_OK)
