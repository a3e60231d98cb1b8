"""The site plan in a real browser: an organizer adds an audience area and two gates with the keyboard form,
the Leaflet drawing shows them (served locally, no console errors) and the figures follow, at phone width too."""
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests import factories
from tests.support.builder import application

from .conftest import MOBILE, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshot-siteplan.png"


def add(page, kind, name, coordinates, width=None):
    form = page.get_by_test_id("siteplan-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=name]").fill(name)
    form.locator("textarea[name=coordinates]").fill(coordinates)
    if width:
        form.locator("input[name=width_m]").fill(width)
    form.locator("button").last.click()
    expect(page.get_by_test_id("siteplan-item").filter(has_text=name)).to_be_visible()


def test_an_organizer_draws_the_field_and_sees_its_figures(browser_page, live_server):
    organizer = factories.OrganizerUserFactory(username="siteplan-org")
    app = application(organizer).build()
    errors = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(browser_page, live_server, "siteplan-org", factories.PASSWORD)
    browser_page.goto(f"{live_server.url}/applications/{app.pk}/siteplan/")
    add(browser_page, "audience", "草坪区", "0,0; 100,0; 100,120; 0,120")
    add(browser_page, "gate", "南门", "47,0; 53,0", width="6")
    add(browser_page, "gate", "北门", "47,120; 53,120", width="6")
    expect(browser_page.get_by_test_id("zone-capacity")).to_contain_text(str(6 * 82 * 8))
    # Leaflet drew the area and both gates as SVG paths in the map.
    expect(browser_page.locator("#siteplan-map path.leaflet-interactive")).to_have_count(3)
    if settings.DEBUG or __import__("os").environ.get("SCREENSHOTS"):
        browser_page.screenshot(path=str(SCREENSHOT), full_page=True)
    browser_page.set_viewport_size(MOBILE)
    browser_page.reload()
    assert browser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not errors, errors
