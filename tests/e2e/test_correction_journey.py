"""Journey (2) of the law issue in a real browser: an accepted application under culture vetting (a song struck) is
sent back for two items (一次性告知), the organizer changes only those and is refused on another, resubmits, the
application is back under review, the reviewer sees the diff, and the struck song is still a permit condition."""
import pytest
from playwright.sync_api import expect

from approvals.models import Application, ApplicationState, Permit, SectionEntry
from tests import factories
from tests.support.builder import application

from .conftest import login
from .test_review_journey import sign_out, state_of, submit_panel_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def under_review_with_a_struck_song():
    organizer = factories.OrganizerUserFactory(username="organizer-corr", full_name="周主办")
    builder = (application(organizer, name="江畔秋夜音乐会", has_performances=True)
               .with_lineup(performers=[{"name": "晴天乐队", "songs": ["湖边", "夜行者"]}]).accepted()
               .vetted(struck={"夜行者": "歌词宣扬暴力，删除"}).under_review())
    officer = factories.SupervisorFactory(username="officer-corr", full_name="吴警官",
                                          authority=builder.build().district)
    return builder.build(), officer


def test_a_correction_under_review_changes_two_items_and_keeps_the_struck_song(browser_page, live_server):
    page = browser_page
    app, officer = under_review_with_a_struck_song()
    detail = f"{live_server.url}/applications/{app.pk}/"

    # The reviewer sends it back for the fire-safety section and the attendance, with a note and a due date.
    login(page, live_server, "officer-corr", factories.PASSWORD)
    page.goto(detail)
    form = page.locator("#workflow-panel form[data-action=return_for_correction]")
    form.locator("xpath=ancestor::details/summary").click()
    form.locator("input[value='section:fire_safety']").check()
    form.locator("input[value='session:1']").check()  # the attendance is the session's
    form.locator("[name=reason]").fill("消防力量不足，请增配；预计人数超过安检能力，请核减。")
    form.locator("button").click()
    page.wait_for_load_state()
    assert state_of(page) == "退回补正"
    sign_out(page)

    # The organizer reads the notice: two items, a due date; only those may change.
    login(page, live_server, "organizer-corr", factories.PASSWORD)
    page.goto(detail)
    notice = page.locator("[data-testid=correction-notice]")
    expect(notice).to_contain_text("补正期限")
    assert notice.locator("[data-testid=correction-items] li").count() == 2
    page.goto(f"{detail}sections/")
    fire = page.locator("section#fire_safety")
    assert fire.get_attribute("data-correction-item") is not None
    fire.locator("[name='fire_safety-fire_extinguishers']").fill("60")
    fire.locator("[name='fire_safety-narrative']").fill("增设两个消防点，配消防员 20 名。")
    fire.locator("[data-testid=save-fire_safety]").click()
    page.wait_for_selector("[data-testid=saved-fire_safety]")
    traffic = page.locator("section#traffic")
    expect(traffic.locator("[data-testid=save-traffic]")).to_be_disabled()
    expect(traffic.locator("[name='traffic-narrative']")).to_be_disabled()
    # Forcing the read-only form open does not help: the server refuses it.
    traffic.locator("fieldset").evaluate("el => el.disabled = false")
    traffic.locator("[name='traffic-narrative']").fill("擅自修改")
    with page.expect_response(lambda r: r.request.method == "POST" and "/sections/" in r.url) as answer:
        traffic.locator("[data-testid=save-traffic]").click()
    assert answer.value.status == 403
    page.goto(f"{detail}facts/")
    expect(page.locator("#id_name")).to_be_disabled()
    page.fill("#id_sessions-0-expected_attendance", "2800")
    page.click("form.facts-form button[type=submit]")
    page.wait_for_selector("[data-testid=application-state]")
    page.locator("[data-testid=submit-application]").click()
    page.wait_for_load_state()
    assert state_of(page) == "审查中"
    sign_out(page)
    app = Application.objects.get(pk=app.pk)
    assert app.state == ApplicationState.UNDER_REVIEW
    assert SectionEntry.objects.get(application=app, section__code="traffic").narrative != "擅自修改"

    # The reviewer sees what changed (old → new) and approves: the struck song is still a condition.
    login(page, live_server, "officer-corr", factories.PASSWORD)
    page.goto(detail)
    diff = page.locator("[data-testid=revision-diff]")
    expect(diff).to_contain_text("增设两个消防点")
    attendance = diff.locator("tr[data-change='session:1:expected_attendance']")
    expect(attendance).to_contain_text("3000")
    expect(attendance).to_contain_text("2800")
    expect(diff.locator("[data-change^='section:traffic']")).to_have_count(0)
    submit_panel_form(page, "approve")
    assert state_of(page) == "已许可"
    page.click("[data-testid=permit-link]")
    expect(page.locator("#permit-conditions")).to_contain_text("《夜行者》")
    conditions = Permit.objects.get(application=app).conditions
    assert any("夜行者" in c for c in conditions) and any("2800" in c for c in conditions)
