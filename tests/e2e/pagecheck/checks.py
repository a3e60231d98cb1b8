"""The page checks (issue 14): every kind of page of every demo role, at phone and desktop width, in Chinese and
English, in headless Chromium against live_server, failing on horizontal overflow, console errors and serious or
critical axe-core violations. docs/accessibility.md describes them; the test modules beside this one split the
demo users into groups so that pytest-xdist (--dist loadfile) spreads them over its workers.

A page's kind is its URL route × the user's role (× the application's state for the application page, whose
header, panels and sections change with it): one page per kind is visited, not one per id. The pages are found by bench/pages.py's crawl, from "/" as each user.

axe-core comes from npm (package.json, node_modules/axe-core) and is put into each page as a Playwright init
script: through the DevTools protocol, not as a <script> element, which the strict CSP (no inline scripts) would
block and report as a console error.
"""
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User
from approvals.models import Application
from bench.pages import crawl

from ..conftest import CHROMIUM, CHROMIUM_ARGS

AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
WIDTHS = ({"width": 390, "height": 844}, {"width": 1366, "height": 900})
LANGUAGES = ("zh-hans", "en")
FAILING_IMPACTS = ("serious", "critical")
# axe-core is the slow part of a visit (0.5–2 s a page): it runs once per width and once per language — the
# desktop in Chinese and the phone in English — while overflow and console errors are checked in all four.
AXE_VARIANTS = {(1366, "zh-hans"), (390, "en")}

# Known violations not fixed yet, each with its reason: (axe rule id or "overflow" or "console", route or "*",
# role or "*") → why. Nothing else is excused; the test prints the entries it used.
ALLOWED: dict[tuple[str, str, str], str] = {}

# The route whose page is checked once per application state (its pk is an application).
STATEFUL_ROUTES = ("applications/<int:pk>/",)


def page_role(user) -> str:
    return "+".join(sorted(name for name in user.role_names if ":" not in name)) or "signed-in"


def page_kind(role: str, path: str) -> tuple[str, str, str]:
    try:
        match = resolve(path)
    except Resolver404:
        return (role, path, "")
    state = ""
    if match.route in STATEFUL_ROUTES:
        state = Application.objects.filter(pk=match.kwargs["pk"]).values_list("state", flat=True).first() or ""
    return (role, match.route, state)


@dataclass
class View:
    username: str  # "" for a page seen signed out
    path: str
    kind: tuple[str, str, str]
    cookies: dict = field(default_factory=dict)


def demo_views(usernames, *, extra_paths=(), anonymous_paths=()) -> list[View]:
    """Loads the demo data and crawls it as each user: the pages to check, one per kind (the first found), with
    the session cookie of their user. `extra_paths` are checked for the first user as well (pages no link
    leads to, such as the API docs); `anonymous_paths` signed out (a function of nothing: called after the
    demo is loaded, so that it may name the demo's rows)."""
    call_command("load_demo", verbosity=0)
    views, kinds = [], set()
    for index, username in enumerate(usernames):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        cookies = {"sessionid": client.cookies[settings.SESSION_COOKIE_NAME].value}
        role = page_role(user)
        paths = crawl(client, limit=1000, kind=lambda path: page_kind(role, path))
        for path in [*paths, *(extra_paths if index == 0 else ())]:
            kind = page_kind(role, path)
            if kind not in kinds:
                kinds.add(kind)
                views.append(View(username, path, kind, cookies))
    for path in (anonymous_paths() if anonymous_paths else ()):
        views.append(View("", path, ("anonymous", path, "")))
    return views


OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const clipped = element => {  // inside a box that scrolls or clips: it does not widen the page
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .filter(element => element.getBoundingClientRect().right > width + 1 && !clipped(element))
    .slice(-4)
    .map(element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
         + (element.className && typeof element.className === 'string'
            ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
         + ' (' + Math.round(element.getBoundingClientRect().right) + ' px)');
  return {scrollWidth: document.documentElement.scrollWidth, width: width, wide: wide};
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(node => node.target.join(' ')),
    count: v.nodes.length}));
}"""


def _allowed(rule: str, view: View) -> tuple | None:
    for key in ((rule, view.kind[1], view.kind[0]), (rule, view.kind[1], "*"), (rule, "*", view.kind[0]),
                (rule, "*", "*")):
        if key in ALLOWED:
            return key
    return None


class _Failures(list):
    """The failures, also printed as they happen (with -s, a long run shows its findings at once)."""

    def append(self, line):
        print("FAIL", line, flush=True)
        super().append(line)

    def extend(self, lines):
        for line in lines:
            self.append(line)


def check_views(live_server, views: list[View]) -> tuple[list[str], int, set]:
    """Visits every view at both widths in both languages; returns the failures (one line each), the number of
    views checked and the allow-list entries used."""
    from playwright.sync_api import sync_playwright

    failures, used, checked = _Failures(), set(), 0
    host = live_server.url.split("//", 1)[1].split(":")[0]
    axe_source = AXE.read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for viewport in WIDTHS:
                for language in LANGUAGES:
                    context = browser.new_context(viewport=viewport, timezone_id="Asia/Shanghai",
                                                  locale="zh-CN" if language == "zh-hans" else "en-US")
                    context.add_init_script(axe_source)
                    page = context.new_page()
                    page.set_default_timeout(60_000)
                    page.set_default_navigation_timeout(90_000)
                    errors: list[str] = []
                    page.on("console", lambda message: errors.append(message.text)
                            if message.type == "error" else None)
                    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
                    page.on("dialog", lambda dialog: dialog.dismiss())
                    current_user = None
                    for view in views:
                        if view.username != current_user:
                            context.clear_cookies()
                            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                                        "domain": host, "path": "/"}]
                            cookies += [{"name": name, "value": value, "domain": host, "path": "/"}
                                        for name, value in view.cookies.items()]
                            context.add_cookies(cookies)
                            current_user = view.username
                        where = (f"{view.username or 'anonymous'} {view.path} ({view.kind[1]}, "
                                 f"{view.kind[2] or '-'}) at {viewport['width']} px, {language}")
                        errors.clear()
                        response = page.goto(live_server.url + view.path, wait_until="load")
                        checked += 1
                        if response is None or response.status != 200:
                            failures.append(f"{where}: HTTP {response.status if response else '?'}")
                            continue
                        overflow = page.evaluate(OVERFLOW_JS)
                        if overflow:
                            key = _allowed("overflow", view)
                            if key:
                                used.add(key)
                            else:
                                failures.append(f"{where}: overflow, {overflow['scrollWidth']} px wide > "
                                                f"{overflow['width']}: {', '.join(overflow['wide'])}")
                        audited = (viewport["width"], language) in AXE_VARIANTS
                        for violation in (page.evaluate(AXE_JS) if audited else ()):
                            key = _allowed(violation["id"], view)
                            if key:
                                used.add(key)
                                continue
                            failures.append(f"{where}: axe {violation['id']} ({violation['impact']}, "
                                            f"{violation['count']}×) {violation['help']}: "
                                            f"{' | '.join(violation['targets'])}")
                        if errors:
                            key = _allowed("console", view)
                            if key:
                                used.add(key)
                            else:
                                failures.extend(f"{where}: console error: {error[:300]}" for error in errors)
                    context.close()
        finally:
            browser.close()
    return failures, checked, used


def run(live_server, usernames, *, extra_paths=(), anonymous_paths=None, expect_at_least: int) -> None:
    started = time.monotonic()
    views = demo_views(usernames, extra_paths=extra_paths, anonymous_paths=anonymous_paths)
    print(f"{len(views)} page kinds found in {time.monotonic() - started:.0f} s", flush=True)
    failures, checked, used = check_views(live_server, views)
    print(f"checked {len(views)} page kinds × {len(WIDTHS) * len(LANGUAGES)} = {checked} views "
          f"({', '.join(usernames)}{', signed out' if anonymous_paths else ''}) in {time.monotonic() - started:.0f} s")
    assert checked == len(views) * len(WIDTHS) * len(LANGUAGES)
    assert len(views) >= expect_at_least, [view.path for view in views]  # the crawl found the pages
    if used:
        print("allowed (see ALLOWED in tests/e2e/pagecheck/checks.py):", *sorted(used), sep="\n  ")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
