"""API of the event day, mounted under /api/."""
from django.urls import path

from . import api

app_name = "eventday_api"
urlpatterns = [
    path("eventday/readings/", api.ReadingsApi.as_view(), name="readings"),
    path("eventday/device/", api.DeviceInfoApi.as_view(), name="device"),
    path("eventday/events/", api.EventListApi.as_view(), name="events"),
    path("eventday/events/<int:event_pk>/occupancy/", api.OccupancyApi.as_view(), name="occupancy"),
    path("eventday/events/<int:event_pk>/tickets/", api.SessionTicketsApi.as_view(), name="session-tickets"),
    path("eventday/events/<int:event_pk>/alerts/", api.AlertListApi.as_view(), name="alerts"),
    path("eventday/events/<int:event_pk>/alerts/<int:alert_pk>/acknowledge/", api.AlertAcknowledgeApi.as_view(),
         name="alert-acknowledge"),
    path("eventday/events/<int:event_pk>/suspend/", api.SuspendApi.as_view(), name="suspend"),
    path("eventday/events/<int:event_pk>/incidents/", api.IncidentListApi.as_view(), name="incidents"),
    path("eventday/incident-kinds/", api.IncidentKindListApi.as_view(), name="incident-kinds"),
    path("eventday/companies/", api.CompanyListApi.as_view(), name="companies"),
    path("eventday/drills/", api.DrillListApi.as_view(), name="drills"),
    path("eventday/accountability-records/", api.AccountabilityListApi.as_view(), name="accountability"),
    path("eventday/statistics/", api.StatisticsApi.as_view(), name="statistics"),
]
