"""Load realistic demo data (organisations, venues, users for every role, applications in several states)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from approvals.calendar.demo import load_demo as load_calendar_demo
from approvals.demo.core import DEMO_PASSWORD, DEMO_USERS, load_core_demo
from approvals.demo.workflow import advance_demo_applications
from approvals.opinions.demo import load_demo as load_opinions_demo
from eventday.demo import load_demo as load_eventday_demo
from plans.demo import load_demo as load_plans_demo
from riskassess.demo import load_demo as load_riskassess_demo

# Each later app adds its part of the demo, in this order.
DEMO_HOOKS = [advance_demo_applications, load_riskassess_demo, load_plans_demo, load_eventday_demo,
              load_calendar_demo, load_opinions_demo]


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-not-production", action="store_true", dest="not_production",
            help="Load the demo (users with a published password, among them a superuser) although the settings "
                 "are not development settings.")

    def handle(self, *args, **options):
        # The demo creates `admin` and every role with the password printed below: never on a real database.
        if not (settings.DEBUG or settings.DEMO_DATA_ALLOWED or options["not_production"]):
            raise CommandError(
                "load_demo creates users with a published password: it runs only with development settings "
                "(DJANGO_SETTINGS_MODULE=config.settings.local) or with --i-know-this-is-not-production.")
        out = DemoOutput(self.stdout, verbose=options["verbosity"] >= 2)
        if User.objects.filter(username="organizer").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            load_core_demo(out)
            for hook in DEMO_HOOKS:
                hook(out)
            self.stdout.write(self.style.SUCCESS(
                f"Demo data loaded ({out.steps} steps; -v 2 lists them)." if not out.verbose else "Demo data loaded."))
        lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
        for username, full_name, role, _org, _authority in DEMO_USERS + [("admin", "系统管理员", "administrator", 0, 0)]:
            lines.append(f"  {username:<11} {role:<17} {full_name}")
        lines += out.kept + ["Start the portal (make demo, or manage.py runserver) and sign in."]
        self.stdout.write(_boxed(lines))


class DemoOutput:
    """What the demo hooks write: their steps (shown with -v 2) and what to keep for the closing box."""

    def __init__(self, stdout, *, verbose: bool):
        self.stdout, self.verbose, self.steps, self.kept = stdout, verbose, 0, []

    def write(self, line: str) -> None:
        self.steps += 1
        if self.verbose:
            self.stdout.write(line)

    def keep(self, line: str) -> None:
        self.kept.append(line)


def _boxed(lines: list[str]) -> str:
    rule = "=" * 78
    return "\n".join(["", rule, *lines, rule])
