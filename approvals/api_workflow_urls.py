"""API endpoints of the review workflow (mounted under /api/)."""
from django.urls import path

from . import api_workflow as api

app_name = "workflow_api"
urlpatterns = [
    path("applications/<int:pk>/workflow/", api.WorkflowStateApi.as_view(), name="state"),
    *[path(f"applications/<int:pk>/workflow/{slug}/", view.as_view(), name=slug)
      for slug, view in api.ACTION_VIEWS.items()],
    path("applications/<int:pk>/audit/", api.AuditLogApi.as_view(), name="audit"),
    path("applications/<int:pk>/permit/", api.PermitApi.as_view(), name="permit"),
    path("applications/<int:pk>/commitments/<int:commitment_id>/sign/", api.CommitmentSignApi.as_view(),
         name="commitment-sign"),
    path("applications/<int:pk>/performers/<int:item_id>/vet/", api.PerformerVetApi.as_view(), name="performer-vet"),
    path("applications/<int:pk>/songs/<int:item_id>/vet/", api.SongVetApi.as_view(), name="song-vet"),
]
