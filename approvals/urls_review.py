"""Pages of the review workflow (police, culture-tourism), permits and the audit log."""
from django.urls import path  # noqa: F401

app_name = "review"
urlpatterns: list = []
