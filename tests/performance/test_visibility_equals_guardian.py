"""The lists' visibility path (access.grant_held, shaped for PostgreSQL's planner) answers exactly what
django-guardian answers, for every user and every permission, while the world changes under it: co-organisers
come and go, the venue moves to another district, the security company and the culture official are replaced,
a reviewer moves to another bureau, the application is submitted, returned and resubmitted."""
import pytest
from guardian.shortcuts import get_objects_for_user

from accounts.models import User
from approvals import access, workflow
from approvals.applications import services
from approvals.applications.selectors import applications_visible_to
from approvals.models import Application
from tests import factories

pytestmark = pytest.mark.django_db


def assert_same_answer(step: str) -> None:
    checked = 0
    for user in User.objects.all():
        for perm in access.MANAGED:
            ours = set(applications_visible_to(user, perm=perm).values_list("pk", flat=True))
            guardian = set(get_objects_for_user(user, perm, klass=Application.objects.all(),
                                                accept_global_perms=False).values_list("pk", flat=True))
            assert ours == guardian, f"after {step}: {user.username} {perm}: ours {ours}, guardian {guardian}"
            checked += len(guardian)
    assert checked, "the comparison saw some grants"


def test_the_visibility_path_equals_guardian_across_a_changing_world():
    city = factories.CityBureauFactory()
    east, west = factories.DistrictBureauFactory(parent=city), factories.DistrictBureauFactory(parent=city)
    organizer = factories.OrganizerUserFactory()
    partner = factories.OrganisationFactory()
    factories.OrganizerUserFactory(organisation=partner)
    first_company, second_company = factories.SecurityCompanyFactory(), factories.SecurityCompanyFactory()
    for company in (first_company, second_company):
        factories.UserFactory(organisation=company)
    east_reviewer, west_reviewer = factories.ReviewerFactory(authority=east), factories.ReviewerFactory(authority=west)
    factories.ReviewerFactory(authority=city)
    supervisor = factories.SupervisorFactory(authority=east)
    east_venue = factories.VenueFactory(owner=organizer.organisation, district=east)
    west_venue = factories.VenueFactory(owner=organizer.organisation, district=west)

    application = services.application_create(
        user=organizer, facts=factories.event_facts(east_venue, security_company=first_company,
                                                    has_performances=True), co_organisers=[partner])
    factories.submitted_application(organizer)  # a second application, elsewhere in the lists
    assert_same_answer("a draft with a co-organiser")

    services.application_update_facts(application=application, user=organizer,
                                      facts={"security_company": second_company}, co_organisers=[])
    assert_same_answer("company replaced, co-organiser removed")

    factories.complete_application(application, organizer)
    application = workflow.application_submit(application=application, actor=organizer)
    assert_same_answer("submitted")

    workflow.application_return(application=application, actor=supervisor, reason="请补正")
    application.refresh_from_db()
    services.application_update_facts(application=application, user=organizer, facts={"venue": west_venue},
                                      co_organisers=[partner])
    application.refresh_from_db()
    application = workflow.application_resubmit(application=application, actor=organizer)
    assert_same_answer("venue moved to another district and resubmitted")

    west_supervisor = factories.SupervisorFactory(authority=west)
    from tests.security.world import _accept

    application = _accept(application, owner=organizer, supervisor=west_supervisor, deferred=False)
    first_official, second_official = factories.CultureOfficialFactory(), factories.CultureOfficialFactory()
    workflow.application_assign_culture_vetting(application=application, actor=west_supervisor,
                                                official=first_official)
    assert_same_answer("a culture official assigned (a grant to the user)")
    workflow.application_assign_culture_vetting(application=application, actor=west_supervisor,
                                                official=second_official)
    assert_same_answer("the culture official replaced")

    east_reviewer.authority = west
    east_reviewer.save()
    east_reviewer.sync_membership_groups()
    west_reviewer.authority = None
    west_reviewer.organisation = partner
    west_reviewer.save()
    west_reviewer.sync_membership_groups()
    assert_same_answer("one reviewer moved to the other bureau, one left the police")

    # Department opinions (approvals.opinions): a department asked sees it, a withdrawn request takes it back,
    # an official moving department follows the department's grant.
    from datetime import timedelta

    from django.utils import timezone

    from approvals.opinions import services as opinions

    fire = factories.DepartmentFactory(area=west)
    traffic = factories.DepartmentFactory(area=west, department_kind=factories.department_kind("traffic"))
    fire_official = factories.DepartmentOfficialFactory(authority=fire)
    factories.DepartmentOfficialFactory(authority=traffic)
    application = Application.objects.get(pk=application.pk)
    asked = opinions.opinions_request(application=application, actor=west_supervisor, departments=[fire, traffic],
                                      due_date=timezone.localdate() + timedelta(days=3))
    assert_same_answer("fire and traffic asked for opinions")
    opinions.opinion_withdraw(opinion=asked[1], actor=west_supervisor)
    assert_same_answer("the traffic request withdrawn")
    fire_official.authority = traffic
    fire_official.save()
    assert_same_answer("the fire official moved to the traffic department")
