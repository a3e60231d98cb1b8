from django.urls import path

from . import views

app_name = "siteplan"

urlpatterns = [
    path("<int:pk>/siteplan/", views.site_plan, name="plan"),
    path("<int:pk>/siteplan/background/", views.site_plan_background, name="background"),
    path("<int:pk>/siteplan/scale/", views.site_plan_scale, name="scale"),
    path("<int:pk>/siteplan/deployment/accept/", views.site_plan_deployment_accept, name="deployment_accept"),
    path("<int:pk>/siteplan/posts/move/", views.site_plan_post_move, name="post_move"),
]
