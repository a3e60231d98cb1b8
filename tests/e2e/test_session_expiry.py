"""An organizer's session ends mid-section (the 30-minute idle logout, here: the session deleted on the server):
保存本章节 does not swap the sign-in page into the card; the text stays in the form, the user signs in again in a
new tab, retries, and the section is saved with everything typed."""
import pytest
from django.contrib.sessions.models import Session

from approvals.models import AuditEntry, SectionDraft
from tests import factories

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TYPED = "北门、南门各设安检通道 6 条，每条配安检员 2 名，开场前 90 分钟开始安检。"


def test_an_expired_session_keeps_the_typed_text_and_the_save_is_retried(browser_page, live_server):
    page = browser_page
    organizer = factories.OrganizerUserFactory(username="organizer-expiry")
    application = factories.create_application(organizer)
    entry = application.sections.select_related("section").order_by("section__number").first()
    code = entry.section.code
    login(page, live_server, "organizer-expiry", factories.PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/sections/")

    card = page.locator(f"section#{code}")
    card.locator(f"[name='{code}-narrative']").fill(TYPED)
    Session.objects.all().delete()  # the idle logout, as the server sees it
    card.locator(f"[data-testid=save-{code}]").click()

    # The card keeps the form and the text, says what happened; no sign-in page inside it.
    hint = card.locator("[data-testid=session-expired]")
    hint.wait_for()
    assert card.locator("#id_username").count() == 0
    assert card.locator(f"[name='{code}-narrative']").input_value() == TYPED
    kept = page.evaluate(f"window.sessionStorage.getItem('anbao:kept:sections:{application.pk}:{code}')")
    assert TYPED in kept

    # Sign in again in the new tab the hint opens (same browser: the new session cookie is shared).
    with page.context.expect_page() as opened:
        hint.locator("[data-testid=login-again]").click()
    tab = opened.value
    tab.wait_for_selector("#id_username")
    tab.fill("#id_username", "organizer-expiry")
    tab.fill("#id_password", factories.PASSWORD)
    tab.click("form button[type=submit]")
    tab.wait_for_selector("[data-testid=signed-in-again]")
    tab.close()

    # Back in the first tab: retry; the save goes through with the new CSRF token.
    card.locator("[data-testid=retry-save]").click()
    page.wait_for_selector(f"[data-testid=saved-{code}]")
    entry.refresh_from_db()
    assert entry.narrative == TYPED
    assert AuditEntry.objects.filter(application=application, snapshot__section=code).count() == 1
    assert page.evaluate(f"window.sessionStorage.getItem('anbao:kept:sections:{application.pk}:{code}')") is None


def test_typing_autosaves_a_draft_that_is_shown_again_and_the_real_save_replaces(browser_page, live_server):
    page = browser_page
    organizer = factories.OrganizerUserFactory(username="organizer-draft")
    application = factories.create_application(organizer)
    entry = application.sections.select_related("section").order_by("section__number").first()
    code = entry.section.code
    login(page, live_server, "organizer-draft", factories.PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/sections/")

    card = page.locator(f"section#{code}")
    card.locator(f"[name='{code}-narrative']").fill("自动保存的草稿")
    card.locator(f"[data-testid=autosaved-{code}]").wait_for(timeout=30_000)  # about 10 s after the last input
    draft = SectionDraft.objects.get(entry=entry, user=organizer)
    assert draft.narrative == "自动保存的草稿"
    entry.refresh_from_db()
    assert entry.narrative == ""  # the section itself untouched, nothing audited
    assert not AuditEntry.objects.filter(application=application, snapshot__section=code).exists()

    # Another browser (no sessionStorage copy): the server's draft is shown in the form, marked as a draft.
    context = page.context.browser.new_context()
    other = context.new_page()
    login(other, live_server, "organizer-draft", factories.PASSWORD)
    other.goto(f"{live_server.url}/applications/{application.pk}/sections/")
    other_card = other.locator(f"section#{code}")
    other_card.locator(f"[data-testid=draft-{code}]").wait_for()
    assert other_card.locator(f"[name='{code}-narrative']").input_value() == "自动保存的草稿"
    other_card.locator(f"[data-testid=save-{code}]").click()
    other.wait_for_selector(f"[data-testid=saved-{code}]")
    context.close()
    entry.refresh_from_db()
    assert entry.narrative == "自动保存的草稿"
    assert not SectionDraft.objects.filter(entry=entry).exists()
