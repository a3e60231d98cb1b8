"""Risk page of one application (mounted under /applications/)."""
from django.urls import path

from . import views_risk

app_name = "risk"
urlpatterns = [
    path("<int:pk>/risk/", views_risk.risk_detail, name="detail"),
    path("<int:pk>/risk/assess/", views_risk.risk_assess, name="assess"),
    path("<int:pk>/risk/override/", views_risk.risk_override, name="override"),
]
