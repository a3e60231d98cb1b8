"""Nobody reads or changes what is not theirs: every URL pattern × every role × every method, generated from the
URLconf (issue 7). Outsiders must be refused (401/403/404/405 or sent to sign in), must never read a victim's
reference or event name, and must change nothing; the legitimate users are the control that the URL was right."""
import json

import pytest
from django.urls import resolve

from . import fingerprint
from .figures import FIGURES
from .fixtures import *  # noqa: F401,F403 (the world, built once for the module)
from .listparams import NOT_LISTS, PAGE_QUERIES, api_queries, page_queries, roles_to_check
from .urlmatrix import (
    KNOWN_UNFILLABLE, METHODS, REFUSALS, ROUTES, Clients, attempt, body, cases_for, contains, content_of,
    forbidden_marks, unfillable, victim_ids,
)
from .world import ALL_ROLES, ANONYMOUS, DISTRICT_SUPERVISOR, INSIDERS, OTHER_ORGANIZER, OUTSIDERS, OWNER

pytestmark = pytest.mark.django_db
FIGURES.update({"access matrix: leaks": 0, "list filters: leaks": 0})  # reported even when none are found

FILLED = [r for r in ROUTES if not unfillable(r)]


def test_every_pattern_is_filled_and_resolves_back(world):
    """A new endpoint whose path arguments the matrix cannot fill fails here: teach urlmatrix.ROUTE_KINDS."""
    assert {r.text for r in ROUTES if unfillable(r)} == KNOWN_UNFILLABLE
    for route in FILLED:
        cases = cases_for(route, world)
        assert cases, f"no target has the objects {route.text} needs"
        for case in cases:
            assert resolve(case.url).route.replace("^", "") == route.text.replace("^", ""), (case.url, route.text)
    FIGURES["access matrix: URL patterns"] = len(ROUTES)


def _problems(case, role, outcome, marks, ids, user=None) -> list[str]:
    problems = []
    if outcome.status >= 500:
        problems.append(f"server error {outcome.status}")
    if outcome.broken:
        problems.append("left the transaction broken")
    leaked = contains(outcome.text, marks)
    if leaked:
        problems.append(f"reads {leaked[:3]}")
    if not case.route.kwargs:
        # Lists and forms everyone may open: an outsider may create its own rows, never touch the victim's.
        if role in OUTSIDERS and outcome.changes:
            touched = fingerprint.references(outcome.changes.changed + outcome.changes.created, ids)
            own = fingerprint.owned_by(outcome.changes.changed, getattr(user, "pk", None))
            deleted = [c for c in outcome.changes.changed if c not in touched and c not in own]
            if touched:
                problems.append(f"touched the victim's rows {touched[:3]}")
            if deleted and outcome.status < 400:
                problems.append(f"changed rows {deleted[:3]}")
    elif role not in case.legit():
        if outcome.status not in REFUSALS and not outcome.login_redirect:
            problems.append(f"answered {outcome.status}")
        if outcome.written:
            problems.append(f"wrote {sorted(outcome.written)}")
    return problems


def _control(case) -> str | None:
    """The first legitimate user of the case: it shows the URL reaches the object (and which methods it takes)."""
    return next((role for role in INSIDERS + OUTSIDERS if role in case.legit()), None)


# Django's admin lets staff only (none in the world): three kinds of visitor are enough there.
ADMIN_ROLES = (ANONYMOUS, OTHER_ORGANIZER, DISTRICT_SUPERVISOR)


@pytest.mark.slow
@pytest.mark.parametrize("route", FILLED, ids=lambda r: r.text)
def test_outsiders_neither_read_nor_change(route, world, settings):
    """Each case: the outsiders of its target with every method the route takes, and one legitimate user.

    A method the legitimate user is refused with 405 is refused for everyone alike (Django's and DRF's method
    checks do not look at the user): one outsider tries it once."""
    settings.SESSION_SAVE_EVERY_REQUEST = False  # a request writes nothing unless it means to
    clients = Clients(world)
    # Every case is rolled back, so one snapshot before serves them all (only the collection routes need it: an
    # outsider may create rows there, just not touch the victim's).
    baseline = fingerprint.snapshot() if not route.kwargs else None
    marks = {role: forbidden_marks(world, role) for role in ALL_ROLES}
    ids = victim_ids(world) if not route.kwargs else {}
    admin = route.namespace == "admin"
    methods = ("get", "post") if admin else METHODS
    failures, reached, accepted = [], 0, None

    def run(case, role, method, data):
        nonlocal reached
        outcome = attempt(clients.get(role), method, case, data if method != "get" else {}, baseline=baseline)
        FIGURES["access matrix: requests"] += 1
        if role not in case.legit():
            FIGURES["access matrix: outsider cases"] += 1
        elif outcome.status < 500 and outcome.status != 404 and not outcome.login_redirect:
            reached += 1
        problems = _problems(case, role, outcome, marks[role], ids, world.users.get(role))
        if problems:
            FIGURES["access matrix: leaks"] += 1
            failures.append(f"{role} {method.upper()} {case.label}: {'; '.join(problems)}")
        return outcome

    for case in cases_for(route, world):
        control = _control(case)
        if admin:
            roles = ADMIN_ROLES
        elif not route.kwargs:
            # Everyone may open these; what partial insiders read there is test_list_filters_never_reveal_the_victim's.
            roles = [*OUTSIDERS, OWNER]
        else:
            # A target no role may read on this route (a draft's opinions: none asked yet) has no control.
            roles = [r for r in ALL_ROLES if r not in case.legit()] + ([control] if control else [])
        data = {role: body(route, case, world, world.users[role]) for role in roles}
        if accepted is None:  # which methods the route takes, asked once of its first legitimate user
            probe = control if control and not admin else OTHER_ORGANIZER
            accepted = {m for m in methods if run(case, probe, m, data.get(probe) or body(
                route, case, world, world.users[probe])).status != 405}
            for method in set(methods) - accepted:
                run(case, OTHER_ORGANIZER, method, data.get(OTHER_ORGANIZER) or {})
        for role in roles:
            for method in sorted(accepted):
                run(case, role, method, data[role])
    if route.kwargs and not admin:
        assert reached, f"no legitimate user ever reached {route.text}: the matrix fills it wrongly"
    assert not failures, f"{len(failures)} leaks:\n" + "\n".join(failures[:40])


# ---------------------------------------------------------------------------------------------- lists and filters

LISTS = [r for r in ROUTES if not r.kwargs and r.namespace != "admin" and r.name not in NOT_LISTS
         and (r.is_api or r.name in PAGE_QUERIES)]


def test_every_list_page_declares_its_parameters(world):
    """A new page that answers GET with rows must name its filters in listparams.PAGE_QUERIES."""
    clients = Clients(world)
    undeclared = set()
    for route in ROUTES:
        if route.kwargs or route.is_api or route.namespace == "admin" or route.name in set(PAGE_QUERIES) | NOT_LISTS:
            continue
        for role in ALL_ROLES:
            response = clients.get(role).get(route.url({}))
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                undeclared.add(route.name)
    assert not undeclared


# Echo probes: ASCII and not, since a page repeats non-ASCII words percent-encoded in its links.
ECHOES = ("ZQ9ECHO", "zq9回显")


def _count(text: str, mark: str) -> int:
    return text.count(mark) + (text.count(json.dumps(mark)[1:-1]) if json.dumps(mark)[1:-1] != mark else 0)


def _beyond_echo(client, url, name, value, text, leaked) -> list[str]:
    """A search form shows the searched words again: count how often the page repeats a harmless value sent the
    same way, and report a mark only where it appears more often than the echo explains."""
    echo = ECHOES[0] if value.isascii() else ECHOES[1]
    echoes = _count(content_of(client.get(url, {name: echo})), echo)
    return [mark for mark in leaked if _count(text, mark) > echoes * value.count(mark)]


@pytest.mark.slow
@pytest.mark.parametrize("route", LISTS, ids=lambda r: r.text)
def test_list_filters_never_reveal_the_victim(route, world):
    """Every filter, search, ordering and page value, one at a time, as everyone who may not see (some of) the
    victim's applications: none of their references or event names comes back."""
    url = route.url({})
    if route.is_api:
        params = api_queries(url, getattr(resolve(url).func, "cls", None), world)
    else:
        params = page_queries(route.name, world)
    forbidden = {role: forbidden_marks(world, role) for role in ALL_ROLES}
    clients = Clients(world)
    failures = []
    for role in roles_to_check(world, forbidden):
        client = clients.get(role)
        for name, value in params + [("page_size", "100")]:
            response = client.get(url, {name: value})
            FIGURES["list filters: requests"] += 1
            problems = []
            if response.status_code >= 500:
                problems.append(f"server error {response.status_code}")
            leaked = contains(content_of(response), forbidden[role])
            if leaked and any(mark in value for mark in leaked):
                leaked = _beyond_echo(client, url, name, value, content_of(response), leaked)
            if leaked:
                problems.append(f"reads {leaked[:3]}")
            if problems:
                FIGURES["list filters: leaks"] += 1
                failures.append(f"{role} GET {url}?{name}={value}: {'; '.join(problems)}")
    assert not failures, f"{len(failures)} leaks:\n" + "\n".join(failures[:40])


# ---------------------------------------------------------------------------------------------- the harness itself


def test_the_matrix_sees_a_write_a_leak_and_a_refusal(world, settings):
    """The matrix's own eyes: what the owner may do would be flagged for an outsider, and is rolled back."""
    settings.SESSION_SAVE_EVERY_REQUEST = False
    from events.models import Performer

    route = next(r for r in ROUTES if r.name == "approvals_api:performer-list")
    case = next(c for c in cases_for(route, world) if c.target.label == "draft")
    clients = Clients(world)
    before = Performer.objects.count()
    added = attempt(clients.get(OWNER), "post", case, {"name": "新乐队", "genre": "民谣", "genre_intensity": 1,
                                                      "audience_interaction": 1, "order": 3})
    assert added.status == 201 and added.written & {"events_performer", "*"}  # "*": SQLite tells no table
    assert Performer.objects.count() == before
    outsider_marks = forbidden_marks(world, OTHER_ORGANIZER)
    assert any("wrote" in p for p in _problems(case, OTHER_ORGANIZER, added, outsider_marks, {}))
    assert any("answered 201" in p for p in _problems(case, OTHER_ORGANIZER, added, outsider_marks, {}))

    detail = next(c for c in cases_for(next(r for r in ROUTES if r.name == "approvals:detail"), world)
                  if c.target.label == "draft")
    seen = attempt(clients.get(OWNER), "get", detail, {})
    assert any("reads" in p for p in _problems(detail, OTHER_ORGANIZER, seen, outsider_marks, {}))
    refused = attempt(clients.get(OTHER_ORGANIZER), "get", detail, {})
    assert refused.status == 404 and _problems(detail, OTHER_ORGANIZER, refused, outsider_marks, {}) == []
    anonymous = attempt(clients.get(ANONYMOUS), "get", detail, {})
    assert anonymous.login_redirect and _problems(detail, ANONYMOUS, anonymous, outsider_marks, {}) == []
