"""Locust journeys for bench/load.py: organizers, reviewers and event-day screens against a running portal.

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:PORT --csv out/load

LOAD_TARGETS names a JSON file written by bench/load.py: signed-in session keys per role (no password
hashing during the run) and the ids each journey reads. Each request is named after its journey, so the
statistics come out per journey. Think time per user: LOAD_WAIT="min,max" seconds (default 0.2,0.8).
"""
import itertools
import json
import os
import random

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOAD_TARGETS"]) as handle:
    TARGETS = json.load(handle)
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "0.2,0.8").split(",")]
_sessions = {role: itertools.cycle(keys) for role, keys in TARGETS["sessions"].items()}


class _Signed(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(*WAIT)

    def on_start(self):
        self.cookie = {"Cookie": f"sessionid={next(_sessions[self.role])}; django_language=zh-hans"}

    def get(self, path: str, name: str, **headers):
        with self.client.get(path, name=name, headers={**self.cookie, **headers}, catch_response=True) as response:
            # A redirect to the login page would be a 302 (FastHttpUser does not follow it): count it as an error.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Organizer(_Signed):
    """An organizer's staff: their applications, one application's page."""

    role = "organizer"
    weight = 2

    @task(3)
    def organizer_list(self):
        self.get("/applications/", "organizer list")

    @task(3)
    def organizer_detail(self):
        self.get(f"/applications/{random.choice(TARGETS['organizer_applications'])}/", "organizer detail")


class Reviewer(_Signed):
    """A district reviewer: the inbox, the API list a client would page through, a risk page."""

    role = "reviewer"
    weight = 2

    @task(3)
    def reviewer_inbox(self):
        self.get("/applications/inbox/", "reviewer inbox")

    @task(2)
    def api_list(self):
        self.get(f"/api/applications/?page={random.randint(1, 5)}", "API list", Accept="application/json")

    @task(1)
    def risk_page(self):
        self.get(f"/applications/{random.choice(TARGETS['risk_applications'])}/risk/", "risk page")


class EventDay(_Signed):
    """The event-day dashboard polling live occupancy."""

    role = "reviewer"
    weight = 1

    @task
    def occupancy(self):
        self.get(f"/api/eventday/events/{TARGETS['event']}/occupancy/", "event-day occupancy",
                 Accept="application/json")
