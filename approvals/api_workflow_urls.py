"""API endpoints of the review workflow."""
from django.urls import path  # noqa: F401

app_name = "workflow_api"
urlpatterns: list = []
