"""Risk API of one application (mounted under /api/)."""
from django.urls import path

from . import api_risk

app_name = "risk_api"
urlpatterns = [
    path("applications/<int:pk>/risk/", api_risk.RiskView.as_view(), name="detail"),
    path("applications/<int:pk>/risk/assess/", api_risk.RiskAssessView.as_view(), name="assess"),
    path("applications/<int:pk>/risk/override/", api_risk.RiskOverrideView.as_view(), name="override"),
]
