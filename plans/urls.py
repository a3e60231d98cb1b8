"""Pages of plans, mounted at /plans/ (namespace "plans")."""
from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("<int:application_pk>/", views.plan_status, name="status"),
    path("<int:application_pk>/panel/", views.plan_panel_partial, name="panel"),
    path("<int:application_pk>/regenerate/", views.plan_regenerate, name="regenerate"),
    path("<int:application_pk>/download/", views.plan_download, name="download"),
    path("<int:application_pk>/v<int:number>/download/", views.plan_download, name="download_version"),
    path("<int:application_pk>/preview/", views.plan_preview, name="preview"),
]
