"""Replay a day of gate counts for an event against the counting API over HTTP (see eventday/simulator.py)."""
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from events.models import Event
from eventday import services
from eventday.simulator import simulate_gates


class Command(BaseCommand):
    help = "Replay a realistic day of gate counts (arrival peak before the headliner, exit surge at the end)."

    def add_arguments(self, parser):
        parser.add_argument("event", help="application reference (e.g. AB2026…) or event id")
        parser.add_argument("--speed", type=float, default=60.0,
                            help="simulated seconds per real second (0: as fast as possible); default 60")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="base URL of the portal")
        parser.add_argument("--token", help="a device token of the event (default: register a new device)")
        parser.add_argument("--until", choices=["peak", "end"], default="end",
                            help="stop at the peak before the headliner, or run to the end of the exit surge")
        parser.add_argument("--peak", type=float, default=0.97, help="peak occupancy of core zones, share of safe "
                                                                      "capacity (others reach 85%% of it)")
        parser.add_argument("--batch-minutes", type=int, default=1, help="simulated minutes per POST")

    def handle(self, *args, **options):
        key = options["event"]
        lookup = Q(application__reference=key)
        if key.isdigit():
            lookup |= Q(pk=int(key))
        event = Event.objects.filter(lookup).select_related("application").first()
        if event is None:
            raise CommandError(f"No event or application {key!r}.")
        token = options["token"]
        if not token:
            _device, token = services.device_register(event=event, name="模拟计数器", gates=event.gates.all())
            self.stdout.write(f"Registered a device for {event.name}; token: {token}")
        try:
            report = simulate_gates(base_url=options["url"], token=token, speed=options["speed"],
                                    until=options["until"], peak=options["peak"],
                                    batch_minutes=max(options["batch_minutes"], 1), stdout=self.stdout)
        except (OSError, RuntimeError) as error:
            raise CommandError(str(error))
        self.stdout.write(f"{report.posts} posts, {report.readings} readings sent, {report.accepted} accepted, "
                          f"{report.duplicates} duplicates ignored, {len(report.alerts)} zone alerts, "
                          f"{len(report.headcount_alerts)} approved-headcount alerts.")
        if report.refused:
            raise CommandError(f"Refused: {report.refused}")
