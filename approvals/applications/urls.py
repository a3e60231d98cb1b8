"""URLs of one application: the organizer's pages and the reviewer inbox (namespace "approvals", mounted at
/applications/) and its API (namespace "approvals_api", mounted at /api/). config/urls.py mounts both."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

pages = ([
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("inbox/", views.reviewer_inbox, name="inbox"),
    path("inbox/suspension-candidates/", views.inbox_suspension_candidates, name="inbox_candidates"),
    path("inbox/assign/", views.inbox_bulk_assign, name="inbox_assign"),
    path("inbox/views/", views.inbox_saved_views, name="inbox_views"),
    path("inbox/views/delete/", views.inbox_saved_view_delete, name="inbox_view_delete"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/checklist/", views.application_checklist_partial, name="checklist"),
    path("<int:pk>/facts/", views.application_edit_facts, name="edit_facts"),
    path("<int:pk>/sections/", views.application_sections, name="sections"),
    path("<int:pk>/sections/autosave/", views.application_section_autosave, name="section_autosave"),
    path("<int:pk>/parties/", views.application_parties, name="parties"),
    path("<int:pk>/documents/", views.application_documents, name="documents"),
    path("<int:pk>/documents/versions/<int:version_pk>/download/", views.document_download,
         name="document_download"),
    path("<int:pk>/documents/versions/<int:version_pk>/check/", views.document_check, name="document_check"),
    path("<int:pk>/lineup/", views.application_lineup, name="lineup"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/copy/", views.application_copy, name="copy"),
], "approvals")

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("applications", api.ApplicationViewSet, basename="application")

api_urls = ([
    path("catalogue/", api.CatalogueView.as_view(), name="catalogue"),
    *router.urls,
    path("applications/<int:pk>/copy/", api.ApplicationCopyView.as_view(), name="application-copy"),
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
], "approvals_api")
