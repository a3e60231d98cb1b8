"""The district and city calendar: police-force load per day and conflicts between sessions (issue 16).

Pure arithmetic in `load.py` and `conflicts.py` (no Django); `services.py` reads applications, sessions and
deployments into them; `views.py` draws the calendar page."""
