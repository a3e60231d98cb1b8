"""URLs of plans."""
from django.urls import path  # noqa: F401

app_name = "plans_api"
urlpatterns: list = []
