"""Load realistic demo data (organisations, venues, users for every role, applications in several states)."""
import importlib

from django.core.management.base import BaseCommand

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

    def handle(self, *args, **options):
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
