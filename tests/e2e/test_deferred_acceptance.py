"""容缺受理 in a real browser, with the panel exactly as shown: an application with one organiser and no
performances, its missing deferrable documents pre-ticked, accepted by pressing the button."""
import pytest

from approvals.models import Application, ApplicationState
from tests import factories

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_deferral_panel_submitted_with_its_defaults_accepts_the_application(browser_page, live_server):
    organizer = factories.OrganizerUserFactory(username="organizer-defer")
    application = factories.create_application(organizer, name="湖滨市集", has_performances=False)
    factories.complete_application(application, organizer)  # every document but the deferrable ones
    from approvals.applications.services import application_submit

    application = application_submit(application=application, user=organizer)
    factories.ReviewerFactory(username="officer-defer", authority=application.district)
    page = browser_page
    login(page, live_server, "officer-defer", factories.PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")

    form = page.locator("#workflow-panel form[data-action=accept_with_deferred]")
    ticked = form.locator("input[name=documents]:checked").evaluate_all("els => els.map(e => e.value)")
    assert ticked == ["service_contracts", "liability_insurance"]  # the joint agreement does not apply
    if not form.is_visible():
        form.locator("xpath=ancestor::details/summary").click()
    form.locator("button").click()
    page.wait_for_load_state()

    assert page.locator("[data-testid=application-state]").inner_text().strip() == "容缺受理"
    assert "不是本申请需要的材料" not in page.content()
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ACCEPTED_DEFERRED
