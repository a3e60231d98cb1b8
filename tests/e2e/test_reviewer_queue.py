"""A reviewer clears a tab of the queue using only the queue and the application header: demo-like submitted
applications waiting for acceptance; each opened from the queue, a document read in the inline viewer (pdf.js),
marked 已查验, and accepted from the header's actions, until the tab counts 0. Then the page prints as an 审批表."""
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from approvals.applications import services
from approvals.models import Application, DocumentVersion
from tests import factories
from tests.approvals.workflow_helpers import submitted

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

READ_DOCUMENT = "venue_consent"


def text_pdf(title: str) -> bytes:
    """A real PDF with Chinese text on it (WeasyPrint, as the plan PDFs are made), so the viewer has ink to draw."""
    from weasyprint import HTML

    return HTML(string=f"<h1>{title}</h1><p>场所管理者同意使用证明：同意于活动期间使用本场所。</p>").write_pdf()


def waiting_applications(count: int = 3) -> list[Application]:
    """Like the demo's district: one organizer, one venue, applications handed in with every document there."""
    organizer = factories.OrganizerUserFactory(username="organizer-queue", full_name="王主办")
    venue = factories.VenueFactory(owner=organizer.organisation, name="滨江体育中心")
    names = ["滨江草莓音乐节", "城市马拉松嘉年华", "元宵灯会"][:count]
    return [submitted(organizer, venue=venue, name=name) for name in names]


def readable_consent(application) -> None:
    """Test set-up: the current venue consent's file replaced by one with text (the same checks passed)."""
    from django.core.files.base import ContentFile

    version = application.documents.get(document_type__code=READ_DOCUMENT).current_version
    version.file.save("consent.pdf", ContentFile(text_pdf(application.event.name)), save=False)
    DocumentVersion.objects.filter(pk=version.pk).update(file=version.file.name, content_type="application/pdf")


def tab_count(page, key: str = "waiting") -> str:
    return page.locator(f"[data-testid=tab-count-{key}]").inner_text().strip()


def test_a_reviewer_clears_the_waiting_tab_from_the_queue_and_the_header(browser_page, live_server):
    page = browser_page
    applications = waiting_applications()
    for application in applications:
        readable_consent(application)
    reviewer = factories.ReviewerFactory(username="officer-queue", full_name="陈警官",
                                         authority=applications[0].district)
    login(page, live_server, "officer-queue", factories.PASSWORD)
    inbox = live_server.url + reverse("approvals:inbox")
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    for remaining in (3, 2, 1):
        page.goto(inbox)
        page.locator("[data-testid=inbox-tabs] a", has=page.locator("[data-testid=tab-count-waiting]")).click()
        expect(page.locator("[data-testid=tab-count-waiting]")).to_have_text(str(remaining))
        # The first application of the tab, opened from the queue.
        page.get_by_role("link", name=re.compile(r"^AB\d{4}")).first.click()
        page.wait_for_url(re.compile(r"/applications/\d+/$"))
        expect(page.locator("[data-testid=application-state]")).to_have_text("已提交")
        # Every plan section is open for the reviewer; the checklist is not shown, the review points are.
        expect(page.locator("#plan-sections .accordion-collapse.show")).to_have_count(11)
        expect(page.locator("[data-testid=review-points]")).to_be_visible()

        # Read the venue consent in the inline viewer: pdf.js draws its page with ink on it.
        row = page.locator(f"#doc-{READ_DOCUMENT}")
        row.locator("[data-view-document]").first.click()
        viewer = page.locator("#document-viewer")
        expect(viewer).to_be_visible()
        expect(viewer.locator("[data-viewer-pages][data-rendered='1'] canvas")).to_have_count(1)
        inked = viewer.locator("canvas").evaluate("""canvas => {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let dark = 0; for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark++; return dark; }""")
        assert inked > 100, "the PDF page was drawn blank"
        viewer.locator(".modal-footer button[data-bs-dismiss=modal]").click()
        expect(viewer).to_be_hidden()

        # Mark it checked (htmx swaps the row), then accept from the header's actions.
        row.locator("[data-testid=check-document]").click()
        expect(page.locator(f"#doc-{READ_DOCUMENT} [data-testid=checked-mark]")).to_have_text("已查验")
        expect(page.locator(f"#doc-{READ_DOCUMENT} [data-testid=checked-by]")).to_contain_text("陈警官")
        page.locator("#workflow-panel form[data-action=accept] button").click()
        expect(page.locator("[data-testid=application-state]")).to_have_text("已受理")

    page.goto(inbox)
    expect(page.locator("[data-testid=tab-count-waiting]")).to_have_text("0")
    assert {a.state for a in Application.objects.filter(pk__in=[a.pk for a in applications])} == {"accepted"}
    assert DocumentVersion.objects.filter(checked_by=reviewer).count() == 3
    assert not console_errors, console_errors

    # Printed, the page is one 审批表: no navigation or buttons, every section open, the signature lines.
    page.goto(live_server.url + reverse("approvals:detail", args=[applications[0].pk]))
    page.locator("[data-toggle-sections]").click()  # folded on screen ...
    expect(page.locator("#plan-sections .accordion-collapse.show")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#workflow-panel form").first).to_be_hidden()
    expect(page.locator(".print-heading")).to_be_visible()
    expect(page.locator(".print-signatures")).to_contain_text("领导签批")
    expect(page.locator("#sec-overview")).to_be_visible()  # ... open in print
    expect(page.locator(f"#doc-{READ_DOCUMENT} [data-testid=checked-mark]")).to_be_visible()
    assert page.locator("main button:visible").count() == 0
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
