"""Token sign-in and sign-out for API clients (accounts/api.py)."""
from django.urls import path

from . import api

app_name = "accounts_api"
urlpatterns = [
    path("token/", api.TokenSignInView.as_view(), name="token"),
    path("logout/", api.TokenSignOutView.as_view(), name="logout"),
    path("logout-all/", api.TokenSignOutEverywhereView.as_view(), name="logout_all"),
]
