"""The site-plan editor in a real browser, from the upload to the printed plan: an organizer uploads a
background, sets the scale by two points, draws an audience area and two gates, sees the capacity and egress
figures, accepts the derived deployment and submits; the reviewer sees the plan over its background; the
approved plan's PDF has the site-plan page with its figure (the background is an image in it)."""
import subprocess

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from plans.content import load_application, plan_content
from plans.rendering import html_to_pdf, plan_html
from siteplan.models import SitePlan
from tests import factories
from tests.support.builder import application, reviewer_for

from .conftest import login
from .test_siteplan import add

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def background_png(path):
    image = Image.new("RGB", (400, 300), "#eef3e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 60, 200, 300], outline="#555", width=3)  # the lawn, as the venue's drawing shows it
    image.save(path, "PNG")
    return path


def test_an_organizer_plans_the_site_and_the_police_print_it(browser_page, live_server, tmp_path, monkeypatch):
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])
    organizer = factories.OrganizerUserFactory(username="planedit-org")
    builder = application(organizer)
    app = builder.filled().build()
    page = browser_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "planedit-org", factories.PASSWORD)
    url = f"{live_server.url}/applications/{app.pk}/siteplan/"
    page.goto(url)

    # The background: a PNG, shown under the drawing.
    page.get_by_test_id("siteplan-background-form").locator("input[type=file]").set_input_files(
        str(background_png(tmp_path / "venue.png")))
    page.get_by_test_id("siteplan-background-form").locator("button").click()
    expect(page.get_by_test_id("siteplan-extent")).to_contain_text("400 × 300")
    expect(page.locator("#siteplan-map img.siteplan-background")).to_have_count(1)
    page.wait_for_function("() => document.querySelector('#siteplan-map img.siteplan-background').naturalWidth === 400",
                           timeout=10_000)  # served by the checked view, decoded by the browser

    # The scale: picking two points on the map fills the form; typed pixels and the distance set it.
    scale = page.get_by_test_id("siteplan-scale-form")
    page.get_by_test_id("siteplan-pick-points").click()
    the_map = page.locator("#siteplan-map")
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
    expect(page.locator("#siteplan-map path.siteplan-scale-point")).to_have_count(1)
    the_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.5})
    expect(scale.locator("input[name=point_b]")).not_to_have_value("")
    scale.locator("input[name=point_a]").fill("0,0")
    scale.locator("input[name=point_b]").fill("200,0")
    scale.locator("input[name=distance_m]").fill("150")  # 200 px are 150 m: the background is 300 × 225 m
    scale.locator("button").first.click()
    expect(page.get_by_test_id("siteplan-extent")).to_contain_text("150")
    plan = SitePlan.objects.get(application=app)
    assert (plan.width_m, plan.height_m) == (300, 225)

    # The drawing: the lawn and two 6 m gates; the figures follow.
    add(page, "audience", "草坪区", "0,0; 100,0; 100,120; 0,120")
    add(page, "gate", "南门", "47,0; 53,0", width="6")
    expect(page.get_by_test_id("zone-egress")).to_contain_text("无出口")  # one exit, discounted: none left
    add(page, "gate", "北门", "47,120; 53,120", width="6")
    expect(page.get_by_test_id("zone-capacity")).to_contain_text(str(6 * 82 * 8))
    expect(page.get_by_test_id("zone-egress")).not_to_contain_text("无出口")
    expect(page.locator("#siteplan-map path.leaflet-interactive")).to_have_count(3)

    # The derived deployment: proposed on the map, accepted into the drawn layers, nothing left missing.
    expect(page.get_by_test_id("siteplan-shortfall")).to_be_visible()
    assert page.locator("#siteplan-map path.siteplan-proposed").count() >= 8
    page.get_by_test_id("siteplan-accept").click()
    expect(page.get_by_test_id("siteplan-shortfall")).to_have_count(0)
    for cell in page.get_by_test_id("deployment-missing").all():
        expect(cell).to_have_text("0")

    # Submitted from the application's page.
    page.goto(f"{live_server.url}/applications/{app.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("submit-application").click()
    page.wait_for_load_state()
    assert SitePlan.objects.get(application=app).application.state != "draft"
    page.context.clear_cookies()  # signed out (after the submission's answer has set its cookies)
    assert not errors, errors

    # The reviewer sees the plan over its background.
    reviewer = reviewer_for(app, username="planedit-police")
    login(page, live_server, "planedit-police", factories.PASSWORD)
    page.goto(url)
    expect(page.get_by_test_id("siteplan-item").filter(has_text="草坪区")).to_be_visible()
    expect(page.locator("#siteplan-map img.siteplan-background")).to_have_count(1)
    expect(page.get_by_test_id("siteplan-background-form")).to_have_count(0)
    expect(page.get_by_test_id("siteplan-move-form")).to_be_visible()

    # Approved; the plan PDF has the site-plan page with the figure and its background image.
    builder.approved()
    content = plan_content(load_application(app.pk))
    pdf = html_to_pdf(plan_html(content, number=1, generated_on="2026-12-01", content_key="0" * 16)).pdf
    (tmp_path / "plan.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "plan.pdf"), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode()
    assert "场地平面图" in text and "草坪区" in text
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "plan.pdf")], capture_output=True, check=True,
                            timeout=60).stdout.decode().splitlines()[2:]
    # pdfimages -list: page num type width height …: the background, 400 × 300 px, in the figure.
    assert any(row.split()[2:5] == ["image", "400", "300"] for row in images), images
