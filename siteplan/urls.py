from django.urls import path

from . import views

app_name = "siteplan"

urlpatterns = [
    path("<int:pk>/siteplan/", views.site_plan, name="plan"),
]
