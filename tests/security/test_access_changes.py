"""The access world changes (issue 10, findings 1 and 4): when a co-organiser is removed, the venue moves to
another district, the culture official or the security company is replaced, the OLD party loses the application
on every page and API endpoint (generated from the URLconf, as in the access matrix: documents, audit, workflow,
plans, risk, event day, lists) and can no longer act, and the NEW party gains it."""
import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from accounts import roles
from approvals.applications import services as approval_services
from approvals import workflow
from approvals.models import Application, ApplicationGroupObjectPermission
from approvals.applications.selectors import applications_visible_to
from eventday.selectors import events_visible_to
from events.models import Event, VettingStatus
from tests import factories
from tests.eventday.factories import live_event
from tests.plans.factories import fill_application

from .figures import FIGURES
from .fixtures import *  # noqa: F401,F403 (the world, built once for the module)
from .urlmatrix import METHODS, REFUSALS, ROUTES, application_target, attempt, body, cases_for, contains, kind_of
from .world import (
    COMPANY_NAMED, COMPANY_OTHER, CULTURE_ASSIGNED, CULTURE_OTHER, DISTRICT_REVIEWER, DISTRICT_SUPERVISOR,
    OTHER_REVIEWER, OTHER_SUPERVISOR, OWNER, _accept,
)

pytestmark = pytest.mark.django_db
FIGURES.update({"access changes: leaks": 0})  # reported even when none are found

# Kinds of path value that name the application or one of its objects (the others are constants of the URLconf).
APPLICATION_KINDS = {"application", "event", "performer", "song", "alert", "commitment", "document_version",
                     "document_code", "document_number", "plan_number", "section_code", "party_code"}
# Routes of the application: a path argument names it or one of its objects. Django's admin is for staff only.
APPLICATION_ROUTES = [r for r in ROUTES if r.namespace != "admin" and r.kwargs
                      and any(kind_of(r, k) in APPLICATION_KINDS for k in r.kwargs)
                      and all(kind_of(r, k) is not None for k in r.kwargs)]
# Lists (no path argument, GET) that must stop naming it. Notifications are left out: what a party was told while
# it had the application stays in its inbox (it names the event, it opens nothing).
LIST_ROUTES = [r for r in ROUTES if not r.kwargs and r.namespace not in ("admin", "notifications", "notifications_api")
               and r.name not in ("logout", "login", "set_language", "accounts_api:token", "eventday_api:device",
                                  "eventday_api:readings", "favicon.ico", "schema", "swagger-ui", "redoc")]


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def refresh(application) -> Application:
    return Application.objects.select_related("event").get(pk=application.pk)


def sweep(world, application, old_users: dict, *, label: str) -> list[str]:
    """Every method on every route of the application as each old party, then GET of every list: each must be
    refused (401/403/404/405 or sent to sign in), write nothing and never name the application."""
    application = refresh(application)
    target = application_target(world, label, application, frozenset())
    marks = [application.reference, application.event.name]
    failures = []
    for role, user in old_users.items():
        client = signed_in(user)
        for route in APPLICATION_ROUTES:
            for case in cases_for(route, world, among=[target]):
                data = body(route, case, world, user)
                data.update(expected_revision=application.revision)
                for method in METHODS:
                    outcome = attempt(client, method, case, data if method != "get" else {})
                    FIGURES["access changes: requests"] += 1
                    FIGURES["access changes: outsider cases"] += 1
                    problems = []
                    if outcome.status not in REFUSALS and not outcome.login_redirect:
                        problems.append(f"answered {outcome.status}")
                    if outcome.written:
                        problems.append(f"wrote {sorted(outcome.written)}")
                    leaked = contains(outcome.text, marks)
                    if leaked:
                        problems.append(f"reads {leaked}")
                    if problems:
                        FIGURES["access changes: leaks"] += 1
                        failures.append(f"{label}: {role} {method.upper()} {case.url}: {'; '.join(problems)}")
        for route in LIST_ROUTES:
            outcome = attempt(client, "get", cases_for(route, world)[0], {})
            FIGURES["access changes: requests"] += 1
            leaked = contains(outcome.text, marks)
            if leaked or outcome.status >= 500:
                FIGURES["access changes: leaks"] += 1
                failures.append(f"{label}: {role} GET {route.url({})}: {outcome.status} reads {leaked}")
    return failures


def assert_reaches(user, application, *names):
    """The new party opens the application's pages and endpoints (the control that the sweep's URLs are right)."""
    client = signed_in(user)
    for name in names:
        route = next(r for r in ROUTES if r.name == name)
        url = route.url({"pk": application.pk})
        assert client.get(url).status_code == 200, (user, url)
    assert applications_visible_to(user).filter(pk=application.pk).exists()


def returned(world, application):
    supervisor = world.users[DISTRICT_SUPERVISOR]
    return workflow.application_return(application=refresh(application), actor=supervisor, reason="请补正材料")


def edit(world, application, **facts):
    co_organisers = facts.pop("co_organisers", None)
    return approval_services.application_update_facts(application=refresh(application), user=world.users[OWNER],
                                                      facts=facts, co_organisers=co_organisers)


def resubmit(world, application):
    return workflow.application_resubmit(application=refresh(application), actor=world.users[OWNER])


def refused(action) -> bool:
    """The action is refused for want of permission (any other outcome, done or refused otherwise, is not)."""
    try:
        with transaction.atomic():
            action()
            transaction.set_rollback(True)
    except PermissionDenied:
        return True
    except Exception:  # noqa: BLE001 (a state or content refusal means the permission check was passed)
        return False
    return False


# ---------------------------------------------------------------------------------------------- the four changes


def test_a_removed_co_organiser_loses_the_application_everywhere(world, settings):
    settings.SESSION_SAVE_EVERY_REQUEST = False
    application = world.victim("submitted").application
    co_organiser = factories.OrganisationFactory(name="丙方联合承办公司")
    co_user = factories.OrganizerUserFactory(organisation=co_organiser)
    returned(world, application)
    edit(world, application, co_organisers=[co_organiser])
    assert_reaches(co_user, application, "approvals:detail", "workflow_api:audit", "approvals_api:application-detail")

    edit(world, application, co_organisers=[])
    resubmit(world, application)
    assert sweep(world, application, {"removed co-organiser": co_user}, label="co-organiser removed") == []


def test_after_a_venue_move_the_old_district_loses_it_and_the_new_district_reviews_it(world, settings):
    """Finding 1: return for correction, move the venue to another district, resubmit: the old bureau can
    neither read, accept nor reject it; the new bureau (and the city above both) can."""
    settings.SESSION_SAVE_EVERY_REQUEST = False
    application = world.victim("submitted").application
    returned(world, application)
    elsewhere = factories.VenueFactory(owner=world.organisation, district=world.other_district, name="甲秘乙区体育场")
    edit(world, application, venue=elsewhere)
    application = resubmit(world, application)
    assert refresh(application).district == world.other_district

    old = {role: world.users[role] for role in (DISTRICT_REVIEWER, DISTRICT_SUPERVISOR)}
    for user in old.values():
        assert refused(lambda: workflow.application_accept(application=refresh(application), actor=user))
        assert refused(lambda: workflow.application_return(application=refresh(application), actor=user,
                                                           reason="退回"))
    assert sweep(world, application, old, label="venue moved") == []

    new_supervisor = world.users[OTHER_SUPERVISOR]
    assert_reaches(new_supervisor, application, "approvals:detail", "workflow_api:audit", "review:history")
    assert_reaches(world.users[OTHER_REVIEWER], application, "approvals:detail")
    application = _accept(refresh(application), owner=world.users[OWNER], supervisor=new_supervisor, deferred=False)
    application = workflow.application_start_review(application=application, actor=new_supervisor)
    for user in old.values():  # under review: the old bureau may not decide it either
        assert refused(lambda: workflow.application_reject(application=refresh(application), actor=user,
                                                           reason="不予许可"))
    rejected = workflow.application_reject(application=refresh(application), actor=new_supervisor,
                                           reason="场地不符合要求")
    assert rejected.state == "rejected"


def test_a_replaced_culture_official_loses_the_vetting_and_the_new_one_vets(world, settings):
    settings.SESSION_SAVE_EVERY_REQUEST = False
    owner, supervisor = world.users[OWNER], world.users[DISTRICT_SUPERVISOR]
    old_official, new_official = world.users[CULTURE_ASSIGNED], world.users[CULTURE_OTHER]
    application = factories.create_application(owner, venue=world.venue, name="甲秘换审音乐节", has_performances=True)
    performer = factories.PerformerFactory(event=application.event, name="甲秘换审乐队", order=1)
    factories.SongFactory(performer=performer, title="甲秘换审曲目", order=1)
    fill_application(application, owner)
    application = approval_services.application_submit(application=application, user=owner)
    application = _accept(application, owner=owner, supervisor=supervisor, deferred=False)
    workflow.application_assign_culture_vetting(application=refresh(application), actor=supervisor,
                                                official=old_official)
    assert_reaches(old_official, application, "review:vetting_detail")
    workflow.application_assign_culture_vetting(application=refresh(application), actor=supervisor,
                                                official=new_official)

    assert refused(lambda: workflow.performer_vet(performer=performer, actor=old_official,
                                                  decision=VettingStatus.APPROVED))
    assert sweep(world, application, {"replaced culture official": old_official}, label="official replaced") == []
    assert_reaches(new_official, application, "review:vetting_detail", "approvals:detail")
    vetted = workflow.performer_vet(performer=performer, actor=new_official, decision=VettingStatus.APPROVED)
    assert vetted.vetting_status == VettingStatus.APPROVED


def test_a_replaced_security_company_loses_the_application_and_the_new_one_sees_it(world, settings):
    settings.SESSION_SAVE_EVERY_REQUEST = False
    application = world.victim("submitted").application
    old_company, new_company = world.users[COMPANY_NAMED], world.users[COMPANY_OTHER]
    returned(world, application)
    edit(world, application, security_company=world.company)
    resubmit(world, application)
    assert_reaches(old_company, application, "approvals:detail", "approvals_api:application-detail")

    returned(world, application)
    edit(world, application, security_company=world.other_company)
    resubmit(world, application)
    assert sweep(world, application, {"replaced security company": old_company}, label="company replaced") == []
    assert_reaches(new_company, application, "approvals:detail", "approvals_api:application-detail")


# ---------------------------------------------------------------------------------------------- one mechanism


def test_the_security_company_sees_the_event_day_through_its_grant_only():
    """Finding 4: the event day reads the same grant as every other page (no second rule on the event's
    security_company field): without the grant, being named on the event shows nothing."""
    company = factories.SecurityCompanyFactory()
    guard = factories.UserFactory(organisation=company, role=roles.SECURITY_COMPANY)
    live = live_event(security_company=company)
    assert list(events_visible_to(guard)) == [live.event]
    ApplicationGroupObjectPermission.objects.filter(content_object=live.application, group=company.group).delete()
    assert not events_visible_to(guard).exists()
    assert Event.objects.filter(pk=live.event.pk, security_company=company).exists()
