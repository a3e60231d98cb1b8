from django.urls import path

from . import api

app_name = "siteplan_api"

urlpatterns = [
    path("applications/<int:pk>/siteplan/", api.SitePlanView.as_view(), name="plan"),
]
