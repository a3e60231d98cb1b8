"""URLs of approvals."""
from django.urls import path  # noqa: F401

app_name = "approvals_api"
urlpatterns: list = []
