"""Reads of plan versions, always through an application the user may see (404 otherwise)."""
from dataclasses import dataclass

from django.http import Http404

from approvals import dossier
from approvals.models import Application
from approvals.applications.selectors import application_for_user

from .models import PlanVersion


def plan_application_for_user(user, application_pk) -> Application:
    """The application whose plan the user may read (approvals.dossier.PLAN_PDF: police, the organizer, the
    named security company, which works to the approved plan), else 404: the culture official vets the lineup
    and has no business with the plan."""
    application = application_for_user(user, application_pk)
    dossier.require(user, application, dossier.PLAN_PDF)
    return application


@dataclass(frozen=True)
class PlanPanel:
    """What the plan panel shows: the newest version (any state) and the newest downloadable one."""

    current: PlanVersion | None
    ready: PlanVersion | None


def plan_versions(application: Application) -> list[PlanVersion]:
    return list(PlanVersion.objects.filter(application=application).select_related("requested_by")
                .order_by("-number"))


def plan_panel(application: Application, versions: list[PlanVersion] | None = None) -> PlanPanel:
    """One query (or none when the versions are already loaded)."""
    if versions is None:
        versions = list(PlanVersion.objects.filter(application=application).order_by("-number")[:20])
    live = [v for v in versions if v.status != PlanVersion.Status.SUPERSEDED]
    ready = next((v for v in versions if v.status == PlanVersion.Status.READY), None)
    return PlanPanel(current=live[0] if live else (versions[0] if versions else None), ready=ready)


def plan_version_for_user(user, application_pk, number: int | None = None) -> PlanVersion:
    """A version of a plan the user may see: the given number, or the newest ready one; else 404."""
    application = plan_application_for_user(user, application_pk)
    queryset = PlanVersion.objects.filter(application=application)
    if number is None:
        queryset = queryset.filter(status=PlanVersion.Status.READY)
    else:
        queryset = queryset.filter(number=number)
    version = queryset.order_by("-number").first()
    if version is None or not version.file:
        raise Http404("No plan PDF.")
    version.application = application
    return version
