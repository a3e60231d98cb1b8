"""Department opinions (并联审批) in a real browser: the reviewer asks the fire and the traffic departments; the fire
official answers 附条件同意 with a condition, traffic 同意; the approval is blocked until both are in; the reviewer
approves picking one standard condition; the permit page shows both conditions."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals import workflow
from approvals.models import Application, OpinionRequest
from approvals.opinions import services as opinions
from tests import factories
from tests.support.builder import application as build_application

from .conftest import login
from .test_review_journey import sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRE_CONDITION = "舞台两侧各设推车式灭火器 2 具"


def test_fire_and_traffic_opinions_gate_the_approval_and_the_fire_condition_reaches_the_permit(
        browser_page, live_server, monkeypatch):
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])
    application = build_application().under_review().build()
    officer = factories.SupervisorFactory(username="officer-opinions", full_name="陈警官", authority=application.district)
    fire = factories.DepartmentFactory(name="湖滨区消防救援大队", area=application.district)
    traffic = factories.DepartmentFactory(name="湖滨交警大队", area=application.district,
                                          department_kind=factories.department_kind("traffic"))
    factories.DepartmentOfficialFactory(username="fire-e2e", authority=fire)
    factories.DepartmentOfficialFactory(username="traffic-e2e", authority=traffic)
    library = opinions.library_conditions_for(application)[0]
    page = browser_page
    detail = f"{live_server.url}/applications/{application.pk}/"

    # The reviewer asks both departments.
    login(page, live_server, "officer-opinions", factories.PASSWORD)
    page.goto(detail)
    form = page.locator("#workflow-panel form[data-action=request_opinions]")
    form.locator("xpath=ancestor::details/summary").click()
    form.locator("input[data-department=fire]").check()
    form.locator("input[data-department=traffic]").check()
    form.locator("[name=due_date]").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    form.locator("button").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=opinions] li[data-verdict=pending]")).to_have_count(2)
    expect(page.locator("[data-withheld=approve]")).to_contain_text("尚待湖滨区消防救援大队出具意见")
    expect(page.locator("#workflow-panel form[data-action=approve]")).to_have_count(0)
    sign_out(page)

    # The fire official finds it in its list and answers 附条件同意 with a condition.
    login(page, live_server, "fire-e2e", factories.PASSWORD)
    page.goto(f"{live_server.url}/review/opinions/")
    page.locator("#opinion-list a").first.click()
    answer = page.locator("form[data-action=answer_opinion]")
    expect(answer).to_have_count(1)  # its own department's opinion only
    answer.locator("input[value=conditional]").check()
    answer.locator("[name=reasons]").fill("消防方案基本可行")
    answer.locator("[name=conditions]").fill(FIRE_CONDITION)
    answer.locator("button").click()
    page.wait_for_load_state()
    expect(page.locator("[data-opinion=fire]")).to_have_attribute("data-verdict", "conditional")
    sign_out(page)
    # Still blocked: traffic has not answered.
    assert any("湖滨交警大队" in r for r in workflow.approval_blockers(Application.objects.get(pk=application.pk)))

    login(page, live_server, "traffic-e2e", factories.PASSWORD)
    page.goto(detail)
    answer = page.locator("form[data-action=answer_opinion]")
    answer.locator("input[value=agree]").check()
    answer.locator("button").click()
    page.wait_for_load_state()
    expect(page.locator("[data-opinion=traffic]")).to_have_attribute("data-verdict", "agree")
    sign_out(page)

    # Both in: the reviewer approves, picking one standard condition.
    login(page, live_server, "officer-opinions", factories.PASSWORD)
    page.goto(detail)
    expect(page.locator("[data-testid=opinions] li[data-opinion]")).to_have_count(2)
    expect(page.locator("[data-withheld=approve]")).to_have_count(0)
    approve = page.locator("#workflow-panel form[data-action=approve]")
    approve.locator("xpath=ancestor::details/summary").click()
    approve.locator(f"input[data-condition='{library.pk}']").check()
    approve.locator("button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("permit-link")).to_be_visible()
    page.get_by_test_id("permit-link").click()
    conditions = page.locator("#permit-conditions")
    expect(conditions).to_contain_text(FIRE_CONDITION)
    expect(conditions).to_contain_text(library.text)
    assert OpinionRequest.objects.filter(application=application, verdict__in=["agree", "conditional"]).count() == 2
