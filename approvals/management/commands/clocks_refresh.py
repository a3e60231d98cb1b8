"""Recompute the stored next deadline (Application.next_deadline, the inbox's urgency order) of every open
application: run once after upgrading to the version that stores it; the portal keeps it current after that."""
from django.core.management.base import BaseCommand

from approvals.clocks.services import refresh_next_deadlines


class Command(BaseCommand):
    help = "Recompute every open application's stored next deadline from its statutory clocks."

    def handle(self, *args, **options):
        self.stdout.write(f"{refresh_next_deadlines()} applications changed")
