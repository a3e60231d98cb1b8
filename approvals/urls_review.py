"""Pages of the review workflow (police, culture-tourism), permits and the audit log. Mounted at /review/."""
from django.urls import path

from . import views_review

app_name = "review"
urlpatterns = [
    path("applications/<int:pk>/act/<slug:action>/", views_review.application_act, name="act"),
    path("applications/<int:pk>/permit/", views_review.permit_detail, name="permit"),
    path("applications/<int:pk>/refusal/", views_review.refusal_detail, name="refusal"),
    path("applications/<int:pk>/history/", views_review.audit_log, name="history"),
    path("commitments/<int:pk>/sign/", views_review.commitment_sign, name="commitment_sign"),
    path("vetting/", views_review.vetting_list, name="vetting_list"),
    path("vetting/<int:pk>/", views_review.vetting_detail, name="vetting_detail"),
    path("vetting/performers/<int:pk>/", views_review.performer_vet, name="performer_vet"),
    path("vetting/songs/<int:pk>/", views_review.song_vet, name="song_vet"),
]
