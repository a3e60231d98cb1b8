"""Two reviewers accept the same application at once on the embedded SQLite database (the demo's), while a
crawler reads its page: run by test_sqlite_concurrency.py in a subprocess, since the suite's own database is
PostgreSQL. Prints one JSON line: the API statuses of every race and of every page read.

    DATABASE_URL=sqlite:////tmp/race.sqlite3 python tests/resilience/sqlite_race.py RACES
"""
import json
import os
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def main(races: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from approvals.models import Application
    from tests import factories
    from tests.approvals.workflow_helpers import submitted

    district = factories.DistrictBureauFactory()
    organizer = factories.OrganizerUserFactory()
    applications = [submitted(organizer, venue=factories.VenueFactory(owner=organizer.organisation,
                                                                      district=district))
                    for _ in range(races)]
    reviewers = [factories.ReviewerFactory(authority=district) for _ in range(2)]
    clients = []
    for reviewer in reviewers + reviewers[:1]:
        client = Client(raise_request_exception=False)
        client.force_login(reviewer)
        clients.append(client)
    connection.close()

    outcome = {"races": [], "reads": []}
    for application in applications:
        revision = Application.objects.values_list("revision", flat=True).get(pk=application.pk)
        connection.close()
        barrier = threading.Barrier(3)
        statuses = {}

        def accept(index):
            barrier.wait()
            response = clients[index].post(f"/api/applications/{application.pk}/workflow/accept/",
                                           {"expected_revision": revision}, content_type="application/json")
            statuses[index] = response.status_code
            connection.close()

        def crawl():
            barrier.wait()
            for _ in range(3):
                outcome["reads"].append(clients[2].get(f"/applications/{application.pk}/").status_code)
            connection.close()

        threads = [threading.Thread(target=accept, args=(i,)) for i in range(2)] + [threading.Thread(target=crawl)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcome["races"].append(sorted(statuses.values()))
    outcome["accepted"] = Application.objects.filter(pk__in=[a.pk for a in applications],
                                                     state="accepted").count()
    return outcome


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
