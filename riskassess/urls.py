"""URLs of riskassess."""
from django.urls import path  # noqa: F401

app_name = "riskassess"
urlpatterns: list = []
