"""Who may see and act on an application: object permissions granted to groups (django-guardian).

Grants go to the organisation's group and the authorities' groups, never to each user, so staff changes need
no re-granting.
"""
from guardian.shortcuts import assign_perm

VIEW = "approvals.view_application"
CHANGE = "approvals.change_application"
REVIEW = "approvals.review_application"
VET = "approvals.vet_application"
STAFF = "approvals.staff_application"


def grant_organisation_access(application) -> None:
    """The applicant organisation edits its application; co-organisers may read it."""
    assign_perm("view_application", application.organisation.group, application)
    assign_perm("change_application", application.organisation.group, application)
    for co_organiser in application.event.co_organisers.all():
        assign_perm("view_application", co_organiser.group, application)


def grant_police_access(application) -> None:
    """The district bureau reviews; its city bureau sees its districts' work (and decides ≥ 5,000)."""
    authority = application.district
    while authority is not None:
        assign_perm("view_application", authority.group, application)
        assign_perm("review_application", authority.group, application)
        authority = authority.parent


def grant_culture_access(application, authority_or_user) -> None:
    """A culture-tourism department (or one official) assigned to vet the performances."""
    target = getattr(authority_or_user, "group", None) or authority_or_user
    assign_perm("view_application", target, application)
    assign_perm("vet_application", target, application)


def grant_security_company_access(application, company) -> None:
    assign_perm("view_application", company.group, application)
    assign_perm("staff_application", company.group, application)
