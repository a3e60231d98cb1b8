"""Load realistic demo data (organisations, venues, users for every role, applications in several states)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from approvals.demo.core import DEMO_PASSWORD, DEMO_USERS, load_core_demo
from approvals.demo.workflow import advance_demo_applications
from eventday.demo import load_demo as load_eventday_demo
from plans.demo import load_demo as load_plans_demo
from riskassess.demo import load_demo as load_riskassess_demo

# Each later app adds its part of the demo, in this order.
DEMO_HOOKS = [advance_demo_applications, load_riskassess_demo, load_plans_demo, load_eventday_demo]


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
        if User.objects.filter(username="organizer").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            load_core_demo(self.stdout)
            for hook in DEMO_HOOKS:
                hook(self.stdout)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, full_name, role, _org, _authority in DEMO_USERS + [("admin", "系统管理员", "administrator", 0, 0)]:
            self.stdout.write(f"  {username:<11} {role:<17} {full_name}")
        self.stdout.write("Start the portal (make demo, or manage.py runserver) and sign in.")
