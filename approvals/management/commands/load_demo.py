"""Load realistic demo data (organisations, venues, users for every role, applications in several states)."""
import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from approvals.demo import DEMO_PASSWORD, DEMO_USERS, load_core_demo

# Each later app adds its part of the demo, in this order (a missing module is skipped).
DEMO_HOOKS = [
    ("approvals.demo_workflow", "advance_demo_applications"),
    ("riskassess.demo", "load_demo"),
    ("plans.demo", "load_demo"),
    ("eventday.demo", "load_demo"),
]


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
            for module_name, function_name in DEMO_HOOKS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError:
                    continue
                getattr(module, function_name)(self.stdout)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, full_name, role, _org, _authority in DEMO_USERS + [("admin", "系统管理员", "administrator", 0, 0)]:
            self.stdout.write(f"  {username:<11} {role:<17} {full_name}")
        self.stdout.write("Start the portal (make demo, or manage.py runserver) and sign in.")
