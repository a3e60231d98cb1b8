"""The workflow spine: states as data (states.py), the transition table read from the model (fsm.py), the one
action registry for API, pages and panel (registry.py), and the services every state change goes through
(actions.py). Callers import from here: `from approvals import workflow; workflow.application_accept(...)`."""
from .actions import *
from .actions import (  # noqa: F401
    ApplicationConflict,
    application_resubmit,
    application_submit,
    submission_flags,
)
from .registry import REGISTRY, available_actions, panel_entries, withheld_actions  # noqa: F401
from .states import label_for, state_has, with_trait  # noqa: F401

# What each transition is called on buttons and in messages (kept for callers of the older name).
ACTION_LABELS = {name: entry.label for name, entry in REGISTRY.items() if entry.transition}
