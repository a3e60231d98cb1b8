"""An organizer, in a real browser: sign in, create an application with a new venue, fill the sections, name
the parties, upload the documents, submit; the page then shows the submitted state."""
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from approvals.models import Application, ApplicationState, PlanSection
from approvals.applications.selectors import current_catalogue
from tests import factories

from .conftest import DESKTOP, MOBILE, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The screenshot for the docs is written only when asked: SCREENSHOTS=1 pytest tests/e2e
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshot-application.png"


def real_pdf() -> bytes:
    """A small but real one-page PDF (the upload check reads the structure, not only the magic number)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def section_value(field: dict):
    if field["type"] == "bool":
        return True
    if field["type"] in ("int", "decimal"):
        return str((field.get("min") or 0) + 12)
    return "已落实"


def test_organizer_creates_fills_and_submits_an_application(browser_page, live_server, tmp_path):
    page = browser_page
    organizer = factories.OrganizerUserFactory(username="organizer-e2e", full_name="王主办")
    district = factories.DistrictBureauFactory(name="滨湖公安分局")
    login(page, live_server, "organizer-e2e", factories.PASSWORD)

    # Create: the facts and a new venue with one exit.
    page.click("[data-testid=new-application]")
    page.fill("#id_name", "滨湖草地音乐节")
    page.select_option("#id_kind", "music_festival")
    day = (timezone.localdate() + timedelta(days=60)).isoformat()  # ahead, within the two-year horizon
    page.fill("#id_sessions-0-start_at", f"{day}T18:00")
    page.fill("#id_sessions-0-end_at", f"{day}T23:00")
    page.fill("#id_sessions-0-expected_attendance", "4500")
    page.fill("#id_rated_capacity", "6000")
    page.fill("#id_temporary_structures", "3")
    page.check("#id_has_performances")
    page.fill("#id_description", "户外草地音乐节，一个主舞台。")
    page.fill("#id_venue-name", "滨湖草坪")
    page.select_option("#id_venue-district", label="滨湖公安分局")
    page.fill("#id_venue-address", "滨湖大道 88 号")
    page.fill("#id_venue-usable_area_m2", "15000")
    page.fill("#id_exits-0-name", "北门")
    page.fill("#id_exits-0-width_m", "8")
    page.click("form.facts-form button[type=submit]")
    page.wait_for_selector("[data-testid=application-state]")
    application = Application.objects.get(organisation=organizer.organisation)
    assert application.district == district and application.event.venue.exits.count() == 1
    base = f"{live_server.url}/applications/{application.pk}"

    # Sections: every one saved in place (htmx), the checklist refreshing beside them.
    page.goto(f"{base}/sections/")
    for section in PlanSection.objects.filter(version=current_catalogue()).order_by("number"):
        card = page.locator(f"section#{section.code}")
        for field in section.fields:
            value = section_value(field)
            selector = f"[name='{section.code}-{field['key']}']"
            if value is True:
                card.locator(selector).check()
            else:
                card.locator(selector).fill(value)
        card.locator(f"[name='{section.code}-narrative']").fill("按方案执行。")
        card.locator(f"[data-testid=save-{section.code}]").click()
        page.wait_for_selector(f"[data-testid=saved-{section.code}]")
    page.wait_for_selector("#checklist-box [data-code=emergency][data-done='1']")

    # Parties: the four named by the organizer, every responsibility acknowledged.
    page.goto(f"{base}/parties/")
    for code in ("sponsor", "organizer", "venue_manager", "security_company"):
        card = page.locator(f"section#{code}")
        card.locator(f"[name='{code}-organisation_name']").fill("滨湖文化传媒有限公司")
        card.locator(f"[name='{code}-responsible_person']").fill("王五")
        card.locator(f"[name='{code}-phone']").fill("13800000000")
        for box in card.locator("input[type=checkbox]").all():
            box.check()
        card.locator(f"[data-testid=save-{code}]").click()
        page.wait_for_selector(f"[data-testid=saved-{code}]")

    # Documents: a small real PDF for each document that cannot be deferred.
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(real_pdf())
    page.goto(f"{base}/documents/")
    for code in ("event_plan", "organizer_registration", "venue_consent", "risk_assessment_report"):
        card = page.locator(f"section#{code}")
        card.locator("input[type=file]").set_input_files(str(pdf))
        card.locator(f"[data-testid=upload-{code}]").click()
        page.wait_for_selector(f"[data-testid=saved-{code}]")
        assert card.locator(f"[data-testid=status-{code}]").inner_text() == "已上传"

    # Submit from the overview: nothing blocking is left.
    page.goto(f"{base}/")
    assert page.locator("#checklist-box").inner_text().count("✘") == 0
    page.click("[data-testid=submit-application]")
    page.wait_for_selector(".state-submitted")
    assert page.locator("[data-testid=application-state]").inner_text() == "已提交"
    assert "已提交" in page.locator(".alert-success").inner_text()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        page.set_viewport_size(MOBILE)
        page.screenshot(path=str(Path(os.environ.get("SCREENSHOTS_MOBILE_DIR", tmp_path)) / "mobile.png"),
                        full_page=True)
        page.set_viewport_size(DESKTOP)
