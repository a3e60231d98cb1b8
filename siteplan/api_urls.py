from django.urls import path

from . import api

app_name = "siteplan_api"

urlpatterns = [
    path("applications/<int:pk>/siteplan/", api.SitePlanView.as_view(), name="plan"),
    path("applications/<int:pk>/siteplan/background/", api.SitePlanBackgroundView.as_view(), name="background"),
    path("applications/<int:pk>/siteplan/scale/", api.SitePlanScaleView.as_view(), name="scale"),
    path("applications/<int:pk>/siteplan/deployment/accept/", api.SitePlanDeploymentAcceptView.as_view(),
         name="deployment_accept"),
]
