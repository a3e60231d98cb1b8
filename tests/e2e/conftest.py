"""Browser tests: Playwright's sync API driving Debian's chromium (headless) against pytest-django's live_server.

Use the `browser_page` fixture (a fresh browser context per test, dialogs accepted) and `login()`, and mark the
module `pytest.mark.django_db(transaction=True, serialized_rollback=True)`: live_server needs a transactional
database, whose flush after each test removes the rows the migrations seeded (catalogue, role groups);
serialized_rollback puts them back before the next browser test. (pytest-django decides whether to serialize
the database at all from the django_db marker, so the marker must say it; the fixture alone is not enough.)
"""
import os

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a running
# loop unless told that this is deliberate (the test thread and the live server thread never share a connection).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Assertions that wait (expect(...).to_have_text) get the same generous deadline as clicks, for a loaded machine.
from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture
def browser(live_server, django_db_serialized_rollback):
    """Chromium for one test (about 0.4 s to start). Function-scoped on purpose: while Playwright's sync API
    runs, Django's connection proxy resolves in Playwright's greenlet context, so the database set-up of the
    next test must happen with no Playwright running."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    """A page in a fresh context at desktop size; the seeded rows are restored first (see the module docstring)."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    # A deadline, not a pace: a fast machine moves on at once, a loaded CI machine (where an approval renders its
    # PDF in the request's process, eager) may take many seconds for one click.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(90_000)
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
    yield page
    context.close()


def login(page, live_server, username, password) -> None:
    """Sign in through the login form and wait until the site has redirected away from it."""
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: reverse("login") not in url)
