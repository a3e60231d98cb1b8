"""URLs of riskassess."""
from django.urls import path  # noqa: F401

app_name = "riskassess_api"
urlpatterns: list = []
