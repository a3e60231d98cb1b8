"""Bring every application's grants in line with its facts (approvals.access): run once after upgrading, to
revoke what older versions granted and never took back (a removed co-organiser, a district the venue left, a
replaced culture official or security company)."""
from django.core.management.base import BaseCommand
from django.db import transaction

from approvals.access import application_sync_access
from approvals.models import Application


class Command(BaseCommand):
    help = "Make every application's object permissions exactly those its facts give (grant and revoke)."

    def handle(self, *args, **options):
        changed = 0
        for pk in Application.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                application = Application.objects.select_for_update(of=("self",)).get(pk=pk)
                summary = application_sync_access(application)
                changed += bool(summary["granted"] or summary["revoked"])
        self.stdout.write(f"{changed} applications changed")
