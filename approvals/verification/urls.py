"""The public verification pages (namespace "verification", mounted at /verify/ by config/urls.py)."""
from django.urls import path

from . import views

pages = ([
    path("", views.verification_lookup, name="lookup"),
    path("<slug:token>/", views.verification_decision, name="decision"),
], "verification")
