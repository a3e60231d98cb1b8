"""Pages of the application journey (organizer) and the reviewer inbox."""
from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("inbox/", views.reviewer_inbox, name="inbox"),
    path("inbox/suspension-candidates/", views.inbox_suspension_candidates, name="inbox_candidates"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/checklist/", views.application_checklist_partial, name="checklist"),
    path("<int:pk>/facts/", views.application_edit_facts, name="edit_facts"),
    path("<int:pk>/sections/", views.application_sections, name="sections"),
    path("<int:pk>/parties/", views.application_parties, name="parties"),
    path("<int:pk>/documents/", views.application_documents, name="documents"),
    path("<int:pk>/documents/versions/<int:version_pk>/download/", views.document_download,
         name="document_download"),
    path("<int:pk>/lineup/", views.application_lineup, name="lineup"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
]
