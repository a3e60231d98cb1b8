"""URLs of the review workflow: the pages of police and culture-tourism officials, permits, refusals, the audit
log and 演出审核 (namespace "review", mounted at /review/), and its API (namespace "workflow_api", mounted at
/api/; the action endpoints are generated from the registry). config/urls.py mounts both."""
from django.urls import path

from ..opinions import api as opinions_api
from ..opinions import views as opinions_views
from . import api, views

pages = ([
    path("applications/<int:pk>/act/<slug:action>/", views.application_act, name="act"),
    path("applications/<int:pk>/permit/", views.permit_detail, name="permit"),
    path("applications/<int:pk>/refusal/", views.refusal_detail, name="refusal"),
    path("applications/<int:pk>/history/", views.audit_log, name="history"),
    path("commitments/<int:pk>/sign/", views.commitment_sign, name="commitment_sign"),
    path("opinions/", opinions_views.opinion_list, name="opinion_list"),
    path("opinions/<int:pk>/answer/", opinions_views.opinion_answer, name="opinion_answer"),
    path("opinions/<int:pk>/withdraw/", opinions_views.opinion_withdraw, name="opinion_withdraw"),
    path("vetting/", views.vetting_list, name="vetting_list"),
    path("vetting/<int:pk>/", views.vetting_detail, name="vetting_detail"),
    path("vetting/<int:pk>/approve-all/", views.vetting_approve_all, name="vetting_approve_all"),
    path("vetting/performers/<int:pk>/", views.performer_vet, name="performer_vet"),
    path("vetting/songs/<int:pk>/", views.song_vet, name="song_vet"),
], "review")

api_urls = ([
    path("applications/<int:pk>/workflow/", api.WorkflowStateApi.as_view(), name="state"),
    *[path(f"applications/<int:pk>/workflow/{slug}/", view.as_view(), name=slug)
      for slug, view in api.ACTION_VIEWS.items()],
    path("applications/<int:pk>/audit/", api.AuditLogApi.as_view(), name="audit"),
    path("applications/<int:pk>/permit/", api.PermitApi.as_view(), name="permit"),
    path("applications/<int:pk>/correction/", api.CorrectionApi.as_view(), name="correction"),
    path("applications/<int:pk>/commitments/<int:commitment_id>/sign/", api.CommitmentSignApi.as_view(),
         name="commitment-sign"),
    path("applications/<int:pk>/performers/<int:item_id>/vet/", api.PerformerVetApi.as_view(), name="performer-vet"),
    path("applications/<int:pk>/songs/<int:item_id>/vet/", api.SongVetApi.as_view(), name="song-vet"),
    path("applications/<int:pk>/opinions/", opinions_api.ApplicationOpinionsApi.as_view(), name="opinions"),
    path("opinions/<int:pk>/answer/", opinions_api.OpinionAnswerApi.as_view(), name="opinion-answer"),
    path("opinions/<int:pk>/withdraw/", opinions_api.OpinionWithdrawApi.as_view(), name="opinion-withdraw"),
], "workflow_api")
