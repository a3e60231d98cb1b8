"""Account pages beyond sign-in (sign-in and sign-out are top-level: see config/urls.py)."""
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    # Where signing in again in a new tab lands, after a session ended mid-form (accounts/sessions.py).
    path("signed-in/", views.signed_in_again, name="signed_in"),
]
