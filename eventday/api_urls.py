"""URLs of eventday."""
from django.urls import path  # noqa: F401

app_name = "eventday_api"
urlpatterns: list = []
