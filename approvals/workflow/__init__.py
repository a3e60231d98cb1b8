"""The workflow spine: states as data (states.py), the transition table read from the model (fsm.py), the one
action registry for API, pages and panel (registry.py), the services every state change goes through
(actions.py), what the workflow records (models.py: commitments, suspensions, permits), its dates
(deadlines.py), task, pages, API and URLs. Callers import the services from here:
`from approvals import workflow; workflow.application_accept(...)`.

The names are looked up on first use (PEP 562), not imported here: Django imports approvals.workflow.models while
it loads the models, before the services (which need every model) can be imported.
"""
from importlib import import_module
from importlib.util import find_spec

# Where a name of `workflow.<name>` is defined, searched in this order.
_EXPORTING_MODULES = ("actions", "registry", "states")


def __getattr__(name: str):
    if not name.startswith("_"):
        if find_spec(f"{__name__}.{name}") is not None:  # a module of the package (workflow.models, ...)
            return import_module(f"{__name__}.{name}")
        for module_name in _EXPORTING_MODULES:
            module = import_module(f"{__name__}.{module_name}")
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
