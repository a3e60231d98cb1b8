"""URLs of an application's risk: its page (namespace "risk", mounted at /applications/) and its API
(namespace "risk_api", mounted at /api/). config/urls.py mounts both."""
from django.urls import path

from . import api, views

pages = ([
    path("<int:pk>/risk/", views.risk_detail, name="detail"),
    path("<int:pk>/risk/assess/", views.risk_assess, name="assess"),
    path("<int:pk>/risk/override/", views.risk_override, name="override"),
], "risk")

api_urls = ([
    path("applications/<int:pk>/risk/", api.RiskView.as_view(), name="detail"),
    path("applications/<int:pk>/risk/assess/", api.RiskAssessView.as_view(), name="assess"),
    path("applications/<int:pk>/risk/override/", api.RiskOverrideView.as_view(), name="override"),
], "risk_api")
