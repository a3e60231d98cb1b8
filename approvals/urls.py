"""Pages of the application journey (organizer) and the reviewer inbox."""
from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("inbox/", views.reviewer_inbox, name="inbox"),
]
