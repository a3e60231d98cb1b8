"""Pages of the event day, mounted at /eventday/."""
from django.urls import path

from . import views

app_name = "eventday"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("events/<int:pk>/", views.dashboard, name="dashboard"),
    path("events/<int:pk>/live/", views.dashboard_live, name="live"),
    path("events/<int:pk>/alerts/<int:alert_pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("events/<int:pk>/tickets/", views.session_tickets, name="session-tickets"),
    path("events/<int:pk>/suspend/", views.event_suspend, name="suspend"),
    path("events/<int:pk>/incidents/", views.incidents, name="incidents"),
    path("events/<int:pk>/incidents/<int:incident_pk>/resolve/", views.incident_resolve, name="incident-resolve"),
    path("events/<int:pk>/review/", views.after_action_review, name="review"),
    path("companies/", views.company_list, name="companies"),
    path("companies/<int:pk>/", views.company_detail, name="company"),
    path("companies/<int:pk>/drills/", views.drill_create, name="drill-create"),
    path("companies/<int:pk>/accountability/", views.accountability_create, name="accountability-create"),
    path("statistics/", views.statistics, name="statistics"),
]
