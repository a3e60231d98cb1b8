"""The printed permit verifies itself: the QR code in the plan PDF (rendered as the worker renders it, rasterised
like a scan) leads a phone — here Chromium, signed in as nobody — to the public page, which says 有效, and
已熔断（暂停） once the permit is suspended."""
import subprocess

import pytest
from playwright.sync_api import expect

from approvals import workflow
from plans.content import load_application, plan_content
from plans.rendering import html_to_pdf, plan_html
from tests.support import builder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _decode_qr(pdf: bytes, tmp_path) -> str:
    import zxingcpp
    from PIL import Image

    (tmp_path / "plan.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(tmp_path / "plan.pdf"),
                    str(tmp_path / "cover")], check=True, timeout=60)
    image = Image.open(next(tmp_path.glob("cover*.png")))
    found = [result.text for result in zxingcpp.read_barcodes(image)
             if result.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, found
    return found[0]


def test_the_qr_code_of_the_permit_pdf_opens_its_live_status(browser_page, live_server, settings, monkeypatch,
                                                              tmp_path):
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])
    settings.PUBLIC_BASE_URL = live_server.url
    approved = builder.application(name="湖畔验证音乐会").filled().submitted().approved()
    application = approved.build()
    # As the worker renders it: with the version number, date and fingerprint on the cover.
    rendered = html_to_pdf(plan_html(plan_content(load_application(application.pk)), number=1,
                                     generated_on="2026-12-01", content_key="0123456789abcdef"))
    pdf = rendered.pdf
    cover = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=pdf, capture_output=True,
                           check=True, timeout=60).stdout.decode()
    assert "内容指纹" in cover and "核验码" in cover  # the last line of the cover is still on page 1

    url = _decode_qr(pdf, tmp_path)
    assert url == f"{live_server.url}/verify/{application.permit.verification_token}/"

    page = browser_page
    page.goto(url)
    status = page.get_by_test_id("verification-status")
    expect(status).to_contain_text("有效")
    expect(page.get_by_test_id("verification-event")).to_have_text("湖畔验证音乐会")

    workflow.application_suspend(application=approved.build(), actor=approved.person("reviewer"),
                                 reasons="现场超员", required_changes="限流")
    page.reload()
    expect(status).to_contain_text("已熔断（暂停）")
