"""Journey 3 (sessions, 场次), in a real browser: an organizer enters a festival of two evenings, the second
of 6,000 people, and submits; the application then shows both sessions and the city-level flag (需市级决定),
and the district's reviewer sees both sessions. It then goes the city route (the largest session decides, Order 505 Art. 12): the district accepts, reviews and
reports it, the city bureau approves, and the permit lists both sessions."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Application, ApplicationState
from tests import factories
from tests.support import builder

from .conftest import DESKTOP, MOBILE, login
from .test_review_journey import sign_out, state_of, submit_panel_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def no_fuse_flags(monkeypatch):
    # The risk model's hard rules are its own tests'; this journey is about sessions and who decides.
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])


def test_two_session_festival_is_city_level_and_lists_both_sessions(browser_page, browser, live_server,
                                                                    no_fuse_flags):
    page = browser_page
    organizer = factories.OrganizerUserFactory(username="festival-e2e", full_name="李主办")
    venue = factories.VenueFactory(owner=organizer.organisation, name="湖滨草坪")
    first = timezone.localdate() + timedelta(days=45)
    second = first + timedelta(days=1)
    login(page, live_server, "festival-e2e", factories.PASSWORD)

    # At 390 px: the facts form with its sessions fits the screen (no sideways scrolling).
    page.set_viewport_size(MOBILE)
    page.click("[data-testid=new-application]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.fill("#id_name", "湖滨仲夏两晚音乐节")
    page.select_option("#id_kind", "music_festival")
    page.select_option("#id_venue", str(venue.pk))
    page.fill("#id_rated_capacity", "12000")
    page.fill("#id_sessions-0-name", "第一晚")
    page.fill("#id_sessions-0-start_at", f"{first.isoformat()}T19:00")
    page.fill("#id_sessions-0-end_at", f"{first.isoformat()}T23:00")
    page.fill("#id_sessions-0-expected_attendance", "3500")

    # The second evening, added from the keyboard: the new row takes the focus.
    page.focus("[data-add-session]")
    page.keyboard.press("Enter")
    expect_focus = page.evaluate("document.activeElement.id")
    assert expect_focus == "id_sessions-1-name"
    page.keyboard.type("第二晚")
    assert "第 2 场" in page.locator("[data-session-row]").nth(1).inner_text()
    page.fill("#id_sessions-1-start_at", f"{second.isoformat()}T19:00")
    page.fill("#id_sessions-1-end_at", f"{second.isoformat()}T23:30")
    page.fill("#id_sessions-1-expected_attendance", "6000")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size(DESKTOP)
    page.click("form.facts-form button[type=submit]")
    page.wait_for_selector("[data-testid=application-state]")

    application = Application.objects.get(organisation=organizer.organisation)
    event = application.event
    assert [s.expected_attendance for s in event.sessions.all()] == [3500, 6000]
    assert event.expected_attendance == 6000

    # The rest of the dossier as the organizer's other pages would fill it (journey 1 covers those pages).
    builder.builder_for(application, organizer=organizer).filled()
    page.reload()
    page.click("[data-testid=submit-application]")
    page.wait_for_selector(".state-submitted")
    assert "需市级决定" in page.locator("header").inner_text()
    rows = page.locator("[data-testid=session-row]")
    assert rows.count() == 2
    assert "第一晚" in rows.nth(0).inner_text() and "3500" in rows.nth(0).inner_text()
    assert "第二晚" in rows.nth(1).inner_text() and "6000" in rows.nth(1).inner_text()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.needs_city_decision

    # The district's reviewer sees both sessions on the application.
    reviewer = builder.reviewer_for(application)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        officer = context.new_page()
        officer.set_default_timeout(60_000)
        officer.on("dialog", lambda dialog: dialog.accept())  # the decision buttons ask to confirm (data-confirm)
        login(officer, live_server, reviewer.username, factories.PASSWORD)
        officer.goto(f"{live_server.url}/applications/{application.pk}/")
        officer.wait_for_selector("[data-testid=sessions-table]")
        text = officer.locator("[data-testid=sessions-table]").inner_text()
        assert "第一晚" in text and "第二晚" in text
        assert f"{second.isoformat()} 19:00" in text
        assert "需市级决定" in officer.locator("header").inner_text()

        # The district accepts and reviews, and reports it to the city bureau with its opinion.
        submit_panel_form(officer, "accept")
        submit_panel_form(officer, "start_review")
        submit_panel_form(officer, "report_to_city", opinion="两晚安保力量按第二晚 6000 人配置，分局同意，报市局审批。")
        assert state_of(officer) == "待市局决定"
        sign_out(officer)

        # The city bureau approves: the permit is the city's and lists both evenings.
        city = builder.city_supervisor_for(application)
        login(officer, live_server, city.username, factories.PASSWORD)
        officer.goto(f"{live_server.url}/applications/{application.pk}/")
        submit_panel_form(officer, "approve")
        assert state_of(officer) == "已许可"
        officer.click("[data-testid=permit-link]")
        assert officer.locator("[data-testid=permit-authority]").inner_text() == application.district.parent.name
        permit = officer.locator("[data-testid=sessions-table]").inner_text()
        assert "第一晚" in permit and "第二晚" in permit and "6000" in permit and "3500" in permit
    finally:
        context.close()
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED and application.permit.authority == application.district.parent
