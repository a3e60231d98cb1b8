"""API URLs of plans (mounted under /api/, namespace "plans_api")."""
from django.urls import path

from . import api

app_name = "plans_api"
urlpatterns = [
    path("plans/<int:application_pk>/", api.PlanStatusView.as_view(), name="status"),
    path("plans/<int:application_pk>/regenerate/", api.PlanRegenerateView.as_view(), name="regenerate"),
    path("plans/<int:application_pk>/download/", api.PlanDownloadView.as_view(), name="download"),
]
