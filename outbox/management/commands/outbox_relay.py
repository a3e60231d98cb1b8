"""Publish pending outbox messages now (after a broker outage)."""
from django.core.management.base import BaseCommand

from outbox.services import publish_pending


class Command(BaseCommand):
    help = "Publish the outbox messages the broker has not received yet."

    def handle(self, *args, **options):
        self.stdout.write(f"published {publish_pending()} message(s)")
