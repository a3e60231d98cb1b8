"""Every page of the demo data, for every demo user, reads the database in at most 15 queries (issue 15): the
pages are found by following links from the home page, as bench/pages.py does when it times them."""
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.pages import DEMO_USERS, MAX_QUERIES, crawl
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db


def test_every_demo_page_takes_at_most_15_queries():
    require_postgresql("the figure is PostgreSQL's (the demo's production shape)")
    call_command("load_demo", verbosity=0)
    over, seen = [], 0
    for username in DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for path in crawl(client):
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            seen += 1
            if len(captured) > MAX_QUERIES:
                over.append(f"{username} {path}: {len(captured)} queries")
    assert seen >= 3 * len(DEMO_USERS), f"the crawl found only {seen} pages"
    assert not over, "\n".join(over)
