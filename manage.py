#!/usr/bin/env python
"""Django's command-line utility for anbao."""
import os
import sys

if __name__ == "__main__":
    # Production unless told otherwise (it refuses to start without SECRET_KEY); development selects
    # DJANGO_SETTINGS_MODULE=config.settings.local, the tests config.settings.test.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
