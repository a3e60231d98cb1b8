"""approvals.access.application_sync_access: the grants equal the application's facts, grant and revoke, in a
fixed number of queries, idempotent, audited."""
import pytest
from django.contrib.auth.models import Permission

from approvals import access, workflow
from approvals.applications import services
from approvals.access import application_sync_access
from approvals.models import (
    ApplicationGroupObjectPermission, ApplicationUserObjectPermission, AuditEntry,
)
from approvals.applications.selectors import applications_visible_to
from tests import factories

pytestmark = pytest.mark.django_db


def grants(application) -> set:
    groups = {(g, c) for g, c in ApplicationGroupObjectPermission.objects.filter(content_object=application)
              .values_list("group__name", "permission__codename")}
    users = {(f"user:{u}", c) for u, c in ApplicationUserObjectPermission.objects.filter(content_object=application)
             .values_list("user_id", "permission__codename")}
    return groups | users


def names(owner, *codenames) -> set:
    return {(owner.group.name, c) for c in codenames}


@pytest.fixture
def organizer():
    return factories.OrganizerUserFactory()


def draft(organizer, co_organisers=(), **facts):
    venue = factories.VenueFactory(owner=organizer.organisation)
    return services.application_create(user=organizer, facts=factories.event_facts(venue, **facts),
                                       co_organisers=co_organisers)


def test_a_draft_is_its_organisation_s_and_its_co_organisers_only(organizer):
    co_organiser = factories.OrganisationFactory()
    application = draft(organizer, co_organisers=[co_organiser], security_company=factories.SecurityCompanyFactory())
    assert grants(application) == (names(organizer.organisation, "view_application", "change_application")
                                   | names(co_organiser, "view_application"))


def test_submission_grants_the_district_its_city_and_the_named_company(organizer):
    company = factories.SecurityCompanyFactory()
    application = factories.submitted_application(organizer, security_company=company)
    district = application.district
    assert grants(application) == (
        names(organizer.organisation, "view_application", "change_application")
        | names(district, "view_application", "review_application")
        | names(district.parent, "view_application", "review_application")
        | names(company, "view_application", "staff_application"))


def test_sync_is_idempotent_and_its_query_count_is_fixed(organizer, django_assert_num_queries):
    application = factories.submitted_application(organizer, security_company=factories.SecurityCompanyFactory())
    application.event.co_organisers.set(factories.OrganisationFactory.create_batch(5))
    with django_assert_num_queries(7):  # facts, permission ids, both grant tables, insert, group names, audit
        changed = application_sync_access(application)
    assert len(changed["granted"]) == 5 and changed["revoked"] == []
    before = grants(application)
    with django_assert_num_queries(4):  # nothing to change: facts, permission ids, both grant tables
        assert application_sync_access(application) == {"granted": [], "revoked": []}
    assert grants(application) == before
    application.event.co_organisers.clear()
    with django_assert_num_queries(7):  # facts, permission ids, both grant tables, delete, group names, audit
        assert len(application_sync_access(application)["revoked"]) == 5


def test_sync_revokes_a_grant_nothing_explains_and_audits_it(organizer):
    application = factories.create_application(organizer)
    stranger = factories.OrganisationFactory()
    ApplicationGroupObjectPermission.objects.create(
        content_object=application, group=stranger.group,
        permission=Permission.objects.get(content_type__app_label="approvals", codename="view_application"))
    application_sync_access(application, actor=organizer)
    assert not any(name == stranger.group.name for name, _ in grants(application))
    entry = application.audit_entries.get(action=AuditEntry.Action.OTHER)
    assert entry.actor == organizer and entry.snapshot["access"]["revoked"] == [f"{stranger.group.name}: view_application"]


def test_removing_a_co_organiser_revokes_its_view(organizer):
    co_organiser = factories.OrganisationFactory()
    co_user = factories.OrganizerUserFactory(organisation=co_organiser)
    application = draft(organizer, co_organisers=[co_organiser])
    assert applications_visible_to(co_user).filter(pk=application.pk).exists()
    services.application_update_facts(application=application, user=organizer, facts={}, co_organisers=[])
    assert not applications_visible_to(co_user).filter(pk=application.pk).exists()
    assert application.audit_entries.filter(action=AuditEntry.Action.OTHER,
                                            snapshot__access__revoked=[f"{co_organiser.group.name}: view_application"]
                                            ).exists()


def test_a_venue_move_retargets_the_resubmission_and_releases_the_old_officer(organizer):
    application = factories.submitted_application(organizer)
    old_district = application.district
    supervisor = factories.SupervisorFactory(authority=old_district)
    reviewer = factories.ReviewerFactory(authority=old_district)
    workflow.application_assign_reviewer(application=application, actor=supervisor, reviewer=reviewer)
    workflow.application_return(application=application, actor=supervisor, reason="请补正")
    new_district = factories.DistrictBureauFactory(parent=old_district.parent)
    venue = factories.VenueFactory(owner=organizer.organisation, district=new_district)
    services.application_update_facts(application=application, user=organizer, facts={"venue": venue})
    application.refresh_from_db()
    assert application.district == new_district and application.assigned_reviewer is None
    workflow.application_resubmit(application=application, actor=organizer)
    new_reviewer = factories.ReviewerFactory(authority=new_district)
    assert list(applications_visible_to(new_reviewer)) == [application]
    assert not applications_visible_to(reviewer).exists()
    assert not reviewer.has_perm(access.REVIEW, application)
    city_reviewer = factories.ReviewerFactory(authority=old_district.parent)
    assert city_reviewer.has_perm(access.REVIEW, application)  # the city is above both districts


def test_the_assigned_culture_official_is_replaced_not_added(organizer):
    application = factories.submitted_application(organizer, has_performances=True)
    supervisor = factories.SupervisorFactory(authority=application.district)
    factories.PerformerFactory(event=application.event)
    from tests.security.world import _accept

    application = _accept(application, owner=organizer, supervisor=supervisor, deferred=False)
    first, second = factories.CultureOfficialFactory(), factories.CultureOfficialFactory()
    workflow.application_assign_culture_vetting(application=application, actor=supervisor, official=first)
    assert first.has_perm(access.VET, application)
    workflow.application_assign_culture_vetting(application=application, actor=supervisor, official=second)
    assert grants(application) >= {(f"user:{second.pk}", "vet_application"), (f"user:{second.pk}", "view_application")}
    assert not any(holder == f"user:{first.pk}" for holder, _ in grants(application))


def test_the_access_sync_command_revokes_what_older_versions_left(organizer):
    from django.core.management import call_command

    application = draft(organizer)
    stranger = factories.OrganisationFactory()
    ApplicationGroupObjectPermission.objects.create(
        content_object=application, group=stranger.group,
        permission=Permission.objects.get(content_type__app_label="approvals", codename="view_application"))
    call_command("access_sync", stdout=open("/dev/null", "w"))
    assert grants(application) == names(organizer.organisation, "view_application", "change_application")
