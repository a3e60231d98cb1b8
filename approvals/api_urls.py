"""API URLs of the organizer's journey (mounted under /api/)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "approvals_api"

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("applications", api.ApplicationViewSet, basename="application")

urlpatterns = [
    path("catalogue/", api.CatalogueView.as_view(), name="catalogue"),
    *router.urls,
    path("applications/<int:pk>/documents/", api.DocumentListView.as_view(), name="document-list"),
    path("applications/<int:pk>/documents/<slug:code>/versions/<int:number>/download/",
         api.DocumentDownloadView.as_view(), name="document-download"),
    path("applications/<int:pk>/sections/", api.SectionListView.as_view(), name="section-list"),
    path("applications/<int:pk>/sections/<slug:code>/", api.SectionDetailView.as_view(), name="section-detail"),
    path("applications/<int:pk>/parties/", api.PartyListView.as_view(), name="party-list"),
    path("applications/<int:pk>/parties/<slug:code>/", api.PartyDetailView.as_view(), name="party-detail"),
    path("applications/<int:pk>/performers/", api.PerformerListView.as_view(), name="performer-list"),
    path("applications/<int:pk>/performers/<int:performer_id>/", api.PerformerDetailView.as_view(),
         name="performer-detail"),
    path("applications/<int:pk>/performers/<int:performer_id>/songs/", api.SongListView.as_view(),
         name="song-list"),
    path("applications/<int:pk>/performers/<int:performer_id>/songs/<int:song_id>/", api.SongDetailView.as_view(),
         name="song-detail"),
]
